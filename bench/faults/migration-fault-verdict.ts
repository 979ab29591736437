/**
 * The verdict of a process fault injected under a live `fhirledger migrate`, from the runs' stderr lines, the
 * migration report and `migrate verify`'s report: the migration finishes (resumed when the fault stopped it), the
 * ledger then equals the valid input set exactly, the fault never left the migrator hanging past its ledger client's
 * deadlines, and batches commit again after the restart. Pure: migration-fault-case.ts gathers the facts.
 */
import type { ChildResult } from './cli-child.js';
import type { FaultOutcome } from './fault-case.js';
import type { FaultTimes } from './fault-network.js';
import { caProbeChecks, processOutcome, recoveryText, type CaProbeFacts } from './process-outcome.js';

/**
 * The longest a CreateRecords may take before the ledger client gives up: endorse 15 s + submit 5 s + commit status
 * 60 s (ledger-client/connection.ts DEFAULT_DEADLINES_MS). A migrator silent for longer after the restart hangs.
 */
export const MIGRATOR_DEADLINE_MS = 80_000;

export interface MigrationFaultFacts {
  readonly id: string;
  readonly done: string;
  readonly fault: FaultTimes;
  /** The first run, then each `--resume`, in order. */
  readonly runs: readonly ChildResult[];
  readonly report: { status: string; records: { accepted: number } } | null;
  readonly verify: {
    status: string;
    counts?: Partial<
      Record<'matching' | 'missing' | 'hashMismatch' | 'unexpected' | 'damaged' | 'rewritten', number>
    >;
  } | null;
  /** `disrupted`: the node is on the migrator's path; `untouched`: it is not (the CA). */
  readonly expectation: 'disrupted' | 'untouched';
  readonly caProbe?: CaProbeFacts;
}

const COMMITTED = /"msg":"batch committed"/;
const ATTEMPT_FAILED = /"msg":"CreateRecords attempt failed"/;

function attemptErrors(runs: readonly ChildResult[]): string[] {
  const errors = new Set<string>();
  for (const line of runs.flatMap((run) => run.stderrLines)) {
    if (!ATTEMPT_FAILED.test(line.text)) continue;
    try {
      const entry = JSON.parse(line.text) as { err?: unknown };
      errors.add(typeof entry.err === 'string' ? entry.err.slice(0, 160) : 'unknown');
    } catch (error) {
      // A line pino wrote is JSON; anything else is kept as it is, cut short.
      if (!(error instanceof SyntaxError)) throw error;
      errors.add(line.text.slice(0, 160));
    }
  }
  return [...errors];
}

export function judgeMigrationFault(facts: MigrationFaultFacts): FaultOutcome {
  const { fault, runs, report, verify } = facts;
  const last = runs[runs.length - 1];
  const failedAttempts = runs
    .flatMap((run) => run.stderrLines)
    .filter((line) => ATTEMPT_FAILED.test(line.text));
  const commitsAfterReady = runs
    .flatMap((run) => run.stderrLines)
    .filter((line) => COMMITTED.test(line.text) && line.atMs >= fault.readyAt)
    .map((line) => line.atMs);
  const firstExitAfterReady = runs.map((run) => run.endedAt).find((at) => at >= fault.readyAt);
  const nextSign = Math.min(commitsAfterReady[0] ?? Infinity, firstExitAfterReady ?? Infinity);
  const firstCommitAfterRestart = runs
    .flatMap((run) => run.stderrLines)
    .find((line) => COMMITTED.test(line.text) && line.atMs >= fault.restartAt);
  const recoveryMs =
    facts.caProbe !== undefined
      ? facts.caProbe.recoveryMs
      : firstCommitAfterRestart === undefined
        ? null
        : firstCommitAfterRestart.atMs - fault.restartAt;
  const counts = verify?.counts ?? {};
  const acknowledged = report?.records.accepted;
  const onLedger = counts.matching;
  const checks: Record<string, boolean> = {
    'the migration finished (resumed if the fault stopped it)':
      last !== undefined && (last.status === 0 || last.status === 3) && report?.status === 'finished',
    'migrate verify: the ledger equals the valid input (nothing missing, extra, different or written twice)':
      verify?.status === 'match' &&
      counts.missing === 0 &&
      counts.hashMismatch === 0 &&
      counts.unexpected === 0 &&
      counts.damaged === 0 &&
      counts.rewritten === 0,
    'every record the migration reports loaded is on the ledger':
      acknowledged !== undefined && acknowledged > 0 && acknowledged === onLedger,
  };
  if (facts.expectation === 'untouched') {
    checks['the migrator never noticed (it does not use this node)'] =
      failedAttempts.length === 0 && runs.length === 1;
  } else {
    checks['the fault reached the migrator (a failed attempt or a stopped run)'] =
      failedAttempts.length > 0 || runs.length > 1;
  }
  checks[`no hang: committed again or stopped within ${MIGRATOR_DEADLINE_MS / 1000} s of the restart`] =
    nextSign - fault.readyAt <= MIGRATOR_DEADLINE_MS;
  Object.assign(checks, caProbeChecks(facts.caProbe));
  checks['success again after the restart'] = recoveryMs !== null;
  const errors = attemptErrors(runs);
  const happened =
    `${runs.length} run(s), exit codes ${runs.map((run) => String(run.status)).join(' → ')}; ` +
    `${failedAttempts.length} CreateRecords attempt(s) failed${errors.length > 0 ? ` (${errors[0] ?? ''})` : ''}; ` +
    recoveryText(recoveryMs) +
    `migrate verify: ${verify?.status ?? 'no report'}, ${String(onLedger ?? 0)} of ${String(acknowledged ?? 0)} loaded records on the ledger.`;
  return processOutcome({
    id: facts.id,
    done: facts.done,
    happened,
    checks,
    acknowledged,
    onLedger,
    recoveryMs,
    details: {
      exitCodes: runs.map((run) => run.status),
      failedAttempts: failedAttempts.length,
      attemptErrors: errors.slice(0, 5),
      verifyCounts: counts,
      downMs: fault.restartAt - fault.killedAt,
      restartToReadyMs: fault.readyAt - fault.restartAt,
      restartToNextCommitOrExitMs: Number.isFinite(nextSign) ? nextSign - fault.readyAt : null,
      ...(facts.caProbe === undefined ? {} : { caProbe: facts.caProbe }),
    },
  });
}
