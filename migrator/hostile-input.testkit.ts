/**
 * TEST ONLY: helpers for the CLI and hostile-input tests — the real CLI with its output captured, and runMigration
 * over real files with the in-memory ledger, resumed the way cli.ts resumes (same fingerprint rules).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from './io/checkpoint.js';
import { run } from './cli.js';
import { fingerprintOf, migrationIdentity, resumesAfterCompletedInput } from './io/fingerprint.js';
import type { InMemoryLedger } from './in-memory-ledger.fake.js';
import { runMigration } from './core/migration.js';
import type { MigrationReport } from './core/migration-report.js';
import { DeferredFileSpool } from './io/deferred-spool.js';
import { OrdinalLog } from './io/ordinal-log.js';
import { resolveInputs } from './io/sources/input-paths.js';
import { sourceForInputs } from './io/sources/open-inputs.js';
import { testPipeline } from './test-pipeline.testkit.js';

export const patientLine = (id: string): string =>
  JSON.stringify({ resourceType: 'Patient', id, gender: 'female', birthDate: '1970-01-01' });
export const organizationLine = (id: string): string =>
  JSON.stringify({ resourceType: 'Organization', id, name: `Org ${id}` });

/** Runs `fhirledger migrate` with stdout/stderr captured. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => out.push(String(chunk)) > 0;
  process.stderr.write = (chunk: string | Uint8Array) => err.push(String(chunk)) > 0;
  try {
    const code = await run(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}

export interface DeadLetterEntry {
  source: string;
  line?: number;
  entry?: number;
  reason: string;
  text: string;
  textTruncated?: boolean;
  outcome: { issue: { diagnostics: string }[] };
}

export function readDeadLetter(file: string): DeadLetterEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DeadLetterEntry);
}

export interface LedgerRun {
  dir: string;
  inputs: string[];
  ledger: InMemoryLedger | undefined;
  resume?: boolean;
  deadLetter?: string;
  maxRecordBytes?: number;
}

/** One migration over real files, with the checkpoint in `dir`; a resume accepts what cli.ts accepts. */
export async function migrateFiles(options: LedgerRun): Promise<MigrationReport> {
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20;
  const resolved = resolveInputs(options.inputs);
  const identity = migrationIdentity(resolved, { maxRecordBytes });
  const fingerprint = fingerprintOf(identity);
  const store = new CheckpointStore(path.join(options.dir, 'checkpoint.json'));
  const resumeFrom =
    options.resume === true
      ? store.readForResume(fingerprint, (saved) =>
          resumesAfterCompletedInput(saved.identity, saved.stoppedOnInput, identity),
        )
      : undefined;
  const server = {
    resourceTypes: [],
    pageSize: 1,
    bulkExport: false,
    requestTimeoutMs: 1000,
    pollIntervalMs: 1,
    exportTimeoutMs: 1000,
  };
  return runMigration(
    {
      source: sourceForInputs(resolved, server, maxRecordBytes),
      pipeline: testPipeline({ maxRecordBytes }),
      ...(options.ledger === undefined
        ? {}
        : {
            ledger: options.ledger,
            deferredSpool: new DeferredFileSpool(
              path.join(options.dir, 'deferred.ndjson'),
              resumeFrom?.deferred,
            ),
          }),
      deadLetter: new OrdinalLog(
        options.deadLetter ?? path.join(options.dir, 'dead-letter.ndjson'),
        resumeFrom?.deadLetter,
        'dead letter',
      ),
      fixLog: new OrdinalLog(undefined),
      checkpoint: { store, fingerprint, identity, ...(resumeFrom === undefined ? {} : { resumeFrom }) },
      sleep: () => Promise.resolve(),
      now: () => Date.now(),
      stop: new AbortController().signal,
      log: { info: () => undefined, warn: () => undefined },
    },
    {
      inputs: options.inputs,
      batchSize: 20,
      maxBatchBytes: 1 << 20,
      concurrency: 2,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      maxRecordBytes,
    },
  );
}

/** Every key the ledger was sent, with how many times; a key sent twice means a record was submitted twice. */
export function submissionCounts(ledger: InMemoryLedger): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of ledger.calls.flat()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
