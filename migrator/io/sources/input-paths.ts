/**
 * Turns what the user typed after --input into concrete inputs: files, folders (their NDJSON / JSON files, sorted),
 * simple globs (`*` and `?` in the last path segment) and FHIR server URLs. The order is stable, because the
 * checkpoint's record ordinals depend on it.
 */
import { accessSync, constants, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputNotFoundError } from '../../errors.js';

export type InputKind = 'ndjson' | 'bundle' | 'fhir-server';

export interface ResolvedInput {
  /** Path as the user would write it (relative stays relative), or the server URL. */
  name: string;
  kind: InputKind;
  gzip: boolean;
}

const NDJSON = /\.(ndjson|jsonl)(\.gz)?$/;
const BUNDLE = /\.json(\.gz)?$/;

export function inputKindOf(file: string): InputKind | undefined {
  if (NDJSON.test(file)) return 'ndjson';
  if (BUNDLE.test(file)) return 'bundle';
  return undefined;
}

export function resolveInputs(inputs: readonly string[]): ResolvedInput[] {
  const out: ResolvedInput[] = [];
  for (const input of inputs) {
    if (/^https?:\/\//.test(input)) {
      out.push({ name: input, kind: 'fhir-server', gzip: false });
      continue;
    }
    for (const file of expand(input)) {
      const kind = inputKindOf(file);
      if (kind === undefined) {
        throw new InputNotFoundError(
          input,
          `input ${file} is neither NDJSON (.ndjson, .jsonl) nor a Bundle (.json), optionally .gz`,
        );
      }
      out.push({ name: file, kind, gzip: file.endsWith('.gz') });
    }
  }
  if (out.length === 0)
    throw new InputNotFoundError(inputs.join(' '), `no input files found in ${inputs.join(', ')}`);
  return out;
}

function expand(input: string): string[] {
  const base = path.basename(input);
  if (/[*?]/.test(base)) {
    const folder = path.dirname(input);
    const pattern = globToRegExp(base);
    return listFolder(folder, input)
      .filter((name) => pattern.test(name))
      .map((name) => path.join(folder, name));
  }
  let stats;
  try {
    stats = statSync(input);
  } catch (error) {
    throw new InputNotFoundError(input, `input ${input} does not exist`, { cause: error });
  }
  if (stats.isDirectory()) {
    const files = listFolder(input, input).filter((name) => inputKindOf(name) !== undefined);
    if (files.length === 0) {
      throw new InputNotFoundError(
        input,
        `folder ${input} holds no NDJSON (.ndjson, .jsonl) or Bundle (.json) files, optionally .gz`,
      );
    }
    return files.map((name) => path.join(input, name));
  }
  // A FIFO or device cannot be read twice (two passes) or fingerprinted for resume; opening a FIFO would even block.
  if (!stats.isFile()) {
    throw new InputNotFoundError(
      input,
      `input ${input} is a ${fileKind(stats)}, not a regular file; the migrator reads its inputs more than once, so pass a file or a folder`,
    );
  }
  try {
    accessSync(input, constants.R_OK);
  } catch (error) {
    throw new InputNotFoundError(input, `input ${input} cannot be read: ${String(error)}`, { cause: error });
  }
  return [input];
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO (named pipe)';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device';
  return 'special file';
}

function listFolder(folder: string, input: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new InputNotFoundError(input, `folder ${folder} of input ${input} cannot be listed`, {
      cause: error,
    });
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}
