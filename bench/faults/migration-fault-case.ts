/**
 * A process killed under a live migration: a devnet in the case's folder, `fhirledger generate` data with defects,
 * `fhirledger migrate` started as a user starts it, the node SIGKILLed once batches commit and restarted after a
 * short outage; a run the fault stopped is resumed with `--resume` (at most three times), then `fhirledger migrate
 * verify` audits the ledger against the input. The verdict is migration-fault-verdict.ts's.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAndRestartProbingCa } from './ca-probe.js';
import {
  runFhirledger,
  runFhirledgerOk,
  startFhirledger,
  type ChildResult,
  type RunningChild,
} from './cli-child.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { processCase } from './process-outcome.js';
import { FaultNetwork, type FaultNode } from './fault-network.js';
import { DOWN_MS } from './load-fault-case.js';
import { judgeMigrationFault, type MigrationFaultFacts } from './migration-fault-verdict.js';

/** ≈ 5,000 records with 5 % defects, batches of 25 two at a time: long enough to outlast the outage. */
const PATIENTS = 100;
const SEED = 18;
/** The fault lands once this many batches have committed: the migration is sending, with batches in flight. */
const KILL_AFTER_COMMITS = 6;
const MAX_RESUMES = 3;
const MIGRATE_LIMIT_MS = 240_000;

export interface MigrationFaultSpec {
  readonly id: string;
  readonly node: Exclude<FaultNode, 'fhir-gateway'>;
  readonly summary: string;
  readonly expectation: MigrationFaultFacts['expectation'];
}

export function migrationFaultCase(spec: MigrationFaultSpec): FaultCase {
  return processCase(spec, runMigrationFault);
}

async function runMigrationFault(spec: MigrationFaultSpec, context: FaultContext): Promise<FaultOutcome> {
  const network = new FaultNetwork(path.join(context.workDir, 'devnet'), context.portOffset, 'devnet');
  const data = path.join(context.workDir, 'data');
  const report = path.join(context.workDir, 'migrate.json');
  const verifyReport = path.join(context.workDir, 'verify.json');
  const migrate = [
    'migrate',
    '--input',
    data,
    '--report',
    report,
    '--workers',
    '0',
    '--batch-size',
    '25',
    '--concurrency',
    '2',
    '--connection',
    network.connectionProfile,
  ];
  try {
    context.log(
      `${spec.id}: network up at port offset ${context.portOffset}; generating ${PATIENTS} patients`,
    );
    await network.up();
    await runFhirledgerOk(
      [
        'generate',
        '--patients',
        String(PATIENTS),
        '--seed',
        String(SEED),
        '--dirty-rate',
        '0.05',
        '--out',
        data,
        '--quiet',
      ],
      120_000,
    );
    const first = startFhirledger(migrate, { timeoutMs: MIGRATE_LIMIT_MS });
    try {
      await waitForCommits(first, KILL_AFTER_COMMITS);
    } catch (error) {
      first.kill();
      throw error;
    }
    context.log(`${spec.id}: ${KILL_AFTER_COMMITS} batches committed; killing ${spec.node}`);
    const { fault, caProbe } = await killAndRestartProbingCa(network, spec.node, DOWN_MS);
    const runs: ChildResult[] = [await first.done];
    // Retries outlast a short outage; a longer one stops the run (exit 2 when the ledger did not answer at all, 1 when
    // it answered with a failure) and --resume carries on, as a user would.
    const stopped = (status: number | null | undefined): boolean => status === 1 || status === 2;
    while (stopped(runs[runs.length - 1]?.status) && runs.length <= MAX_RESUMES) {
      context.log(`${spec.id}: migrate exited ${String(runs[runs.length - 1]?.status)}; --resume`);
      runs.push(await runFhirledger([...migrate, '--resume'], { timeoutMs: MIGRATE_LIMIT_MS }));
    }
    context.log(`${spec.id}: migrate verify`);
    await runFhirledger(
      [
        'migrate',
        'verify',
        '--input',
        data,
        '--connection',
        network.connectionProfile,
        '--report',
        verifyReport,
        '--workers',
        '0',
      ],
      { timeoutMs: MIGRATE_LIMIT_MS },
    );
    return judgeMigrationFault({
      id: spec.id,
      done: spec.summary,
      fault,
      runs,
      report: readReport(report) as MigrationFaultFacts['report'],
      verify: readReport(verifyReport) as MigrationFaultFacts['verify'],
      expectation: spec.expectation,
      ...(caProbe === undefined ? {} : { caProbe }),
    });
  } finally {
    await network.down();
  }
}

/** A report the run wrote, or null when it wrote none (the verdict then fails the checks that need it). */
function readReport(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** Waits until the run logged `count` committed batches; throws if it ended first or took over 120 s. */
async function waitForCommits(run: RunningChild, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  const committed = () =>
    run.stderrLines.filter((line) => line.text.includes('"msg":"batch committed"')).length;
  while (committed() < count) {
    if (run.hasExited()) {
      const result = await run.done;
      throw new Error(
        `migrate exited ${String(result.status)} before ${count} batches committed: ${result.stderrLines
          .slice(-3)
          .map((line) => line.text)
          .join(' | ')}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`fewer than ${count} batches committed within 120 s`);
    await sleep(50);
  }
}
