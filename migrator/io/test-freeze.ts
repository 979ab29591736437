/**
 * TEST ONLY: stops a migration dead at a chosen point so a crash test can SIGKILL it in a known state.
 * `FHIRLEDGER_TEST_FREEZE_AT=<milestone>:<n>` freezes the process at the n-th `milestone` of this process: it writes
 * a marker line on stderr and blocks its main thread (no timer, no I/O callback, no checkpoint write runs any more),
 * so what is on disk and on the ledger when the kill arrives is exactly the state at that point. Unset, the CLI
 * passes no hook and the migration runs unchanged.
 *
 * `batch-sent` freezes 50 ms after the n-th CreateRecords was issued rather than at once: a blocked thread would
 * never put the request on the wire, and the point of that milestone is a batch the peer has but the migrator has
 * not heard back about.
 */
import { writeSync } from 'node:fs';
import type { Milestone } from '../core/migration-deps.js';

export const TEST_FREEZE_ENV = 'FHIRLEDGER_TEST_FREEZE_AT';
/** The line a test waits for on stderr before it kills the process. */
export const FROZEN_MARKER = 'fhirledger test freeze: frozen at';
/** A test that never kills its frozen process does not leave it behind for long. */
const FREEZE_LIMIT_MS = 60_000;
export const FREEZE_EXPIRED_EXIT = 70;
const SENT_DELAY_MS = 50;

const MILESTONES: readonly Milestone[] = ['record-read', 'deferred-read', 'batch-sent', 'batch-committed'];

export function freezeHookFromEnv(env: NodeJS.ProcessEnv): ((milestone: Milestone) => void) | undefined {
  const spec = env[TEST_FREEZE_ENV];
  if (spec === undefined || spec === '') return undefined;
  const [name, count] = spec.split(':');
  const milestone = MILESTONES.find((known) => known === name);
  const target = Number(count);
  if (milestone === undefined || !Number.isInteger(target) || target < 1) {
    throw new Error(
      `${TEST_FREEZE_ENV}="${spec}" is not <milestone>:<n> with a milestone of ${MILESTONES.join(', ')}`,
    );
  }
  let seen = 0;
  return (reached) => {
    if (reached !== milestone) return;
    seen += 1;
    if (seen !== target) return;
    if (milestone === 'batch-sent') setTimeout(() => freeze(spec), SENT_DELAY_MS);
    else freeze(spec);
  };
}

function freeze(spec: string): never {
  writeSync(2, `${FROZEN_MARKER} ${spec}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FREEZE_LIMIT_MS);
  process.exit(FREEZE_EXPIRED_EXIT);
}
