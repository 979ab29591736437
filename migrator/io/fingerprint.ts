/**
 * The identity of a migration for --resume: which inputs (name, size and a hash of their first and last 64 KiB —
 * cheap even for huge files, and any append, truncation or edit near either end changes it) and which options
 * change what records become. Batch size and concurrency are not in it: resuming with other values is fine.
 *
 * One change is allowed on resume: the input a run could not read to its end (a truncated gzip, an unclosed Bundle)
 * may be replaced by a completed file that begins with the same bytes. Every record the run read came from before
 * the cut, so the checkpoint's record ordinals still mean the same records.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { canonicalJson, sha256Hex } from '../../common/canonical-json.js';
import type { ResolvedInput } from './sources/input-paths.js';

const SAMPLE = 64 * 1024;

interface FileDescription {
  file: string;
  size: number;
  sample: string;
}
type InputDescription = FileDescription | { url: string };

export interface MigrationIdentity {
  inputs: InputDescription[];
  options: object;
}

export function migrationIdentity(
  inputs: readonly ResolvedInput[],
  outcomeOptions: object,
): MigrationIdentity {
  const described = inputs.map((input) =>
    input.kind === 'fhir-server' ? { url: input.name } : describeFile(input.name),
  );
  return { inputs: described, options: outcomeOptions };
}

export function fingerprintOf(identity: MigrationIdentity): string {
  return sha256Hex(canonicalJson(identity));
}

export function migrationFingerprint(inputs: readonly ResolvedInput[], outcomeOptions: object): string {
  return fingerprintOf(migrationIdentity(inputs, outcomeOptions));
}

/**
 * True when `current` differs from the checkpoint's identity only in `stoppedOnInput`, and that file now begins
 * with the bytes the stopped run saw (same head, same bytes at the old end). Same options, same other inputs.
 */
export function resumesAfterCompletedInput(
  saved: unknown,
  stoppedOnInput: string | undefined,
  current: MigrationIdentity,
): boolean {
  if (stoppedOnInput === undefined || !isIdentity(saved)) return false;
  if (canonicalJson(saved.options) !== canonicalJson(current.options)) return false;
  if (saved.inputs.length !== current.inputs.length) return false;
  return saved.inputs.every((before, index) => {
    const now = current.inputs[index];
    if (now === undefined) return false;
    if (canonicalJson(before) === canonicalJson(now)) return true;
    return 'file' in before && before.file === stoppedOnInput && extendsFile(before);
  });
}

function isIdentity(value: unknown): value is MigrationIdentity {
  const identity = value as Partial<MigrationIdentity> | null;
  return (
    typeof identity === 'object' &&
    identity !== null &&
    Array.isArray(identity.inputs) &&
    typeof identity.options === 'object'
  );
}

/** Whether the file at `before.file` is at least as long and holds the same first and last sample bytes. */
function extendsFile(before: FileDescription): boolean {
  const size = statSync(before.file).size;
  if (size < before.size) return false;
  return sampleOf(before.file, before.size) === before.sample;
}

function describeFile(file: string): FileDescription {
  const size = statSync(file).size;
  return { file, size, sample: sampleOf(file, size) };
}

/** sha256 of the first and the last 64 KiB of the file's first `size` bytes. */
function sampleOf(file: string, size: number): string {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return sha256Hex(Buffer.concat([head, tail]));
  } finally {
    closeSync(fd);
  }
}
