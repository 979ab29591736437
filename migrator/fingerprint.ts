/**
 * The identity of a migration for --resume: which inputs (name, size and a hash of their first and last 64 KiB —
 * cheap even for huge files, and any append, truncation or edit near either end changes it) and which options
 * change what records become. Batch size and concurrency are not in it: resuming with other values is fine.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import type { ResolvedInput } from './sources/input-paths.js';

const SAMPLE = 64 * 1024;

export function migrationFingerprint(inputs: readonly ResolvedInput[], outcomeOptions: object): string {
  const described = inputs.map((input) =>
    input.kind === 'fhir-server' ? { url: input.name } : describeFile(input.name),
  );
  return sha256Hex(canonicalJson({ inputs: described, options: outcomeOptions }));
}

function describeFile(file: string): object {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return { file, size, sample: sha256Hex(Buffer.concat([head, tail])) };
  } finally {
    closeSync(fd);
  }
}
