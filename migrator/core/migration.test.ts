import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LedgerError, LedgerErrorCode } from '../../ledger-client/ledger-error.js';
import { CheckpointStore } from '../io/checkpoint.js';
import { InMemoryLedger } from '../in-memory-ledger.fake.js';
import { runMigration, type MigrationDeps, type MigrationSettings } from './migration.js';
import { DeferredFileSpool } from '../io/deferred-spool.js';
import { OrdinalLog } from '../io/ordinal-log.js';
import type { RecordProcessor } from './record-processor.js';
import { RecordWorkerPool } from '../io/record-worker-pool.js';
import { readNdjson } from '../io/sources/ndjson-source.js';
import { testPipeline } from '../test-pipeline.testkit.js';
import { useTempDir } from '../../common/temp-dir.testkit.js';

const organization = (id: string) => ({ resourceType: 'Organization', id, name: `Org ${id}` });
const practitioner = (id: string) => ({ resourceType: 'Practitioner', id, name: [{ family: `Dr ${id}` }] });
const patient = (id: string, extra: object = {}) => ({
  resourceType: 'Patient',
  id,
  gender: 'female',
  birthDate: '1970-01-01',
  managingOrganization: { reference: 'Organization/o1' },
  ...extra,
});
const observation = (id: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { text: 'pulse' },
  subject: { reference: `Patient/p${id}` },
  performer: [{ reference: 'Practitioner/d1' }],
  valueQuantity: { value: 60, unit: '/min' },
});

/** 40 valid records (dependants before the organisation and practitioner they refer to), 1 exact duplicate and 5 bad lines. */
function inputLines(): { lines: string[]; validKeys: string[]; rejectedLines: number[] } {
  const lines: string[] = [];
  const validKeys: string[] = [];
  const rejectedLines: number[] = [];
  const valid = (record: { resourceType: string; id: string }, text = JSON.stringify(record)) => {
    lines.push(text);
    validKeys.push(`${record.resourceType}/${record.id}`);
  };
  const bad = (text: string) => {
    lines.push(text);
    rejectedLines.push(lines.length);
  };
  for (let i = 0; i < 18; i += 1)
    valid(patient(`p${i}`), JSON.stringify(patient(`p${i}`, { gender: i % 2 ? 'F' : 'female' })));
  bad('{"resourceType":"Patient","id":"broken"');
  valid(organization('o1'));
  valid(practitioner('d1'));
  bad(JSON.stringify(patient('p3', { gender: 'male' })));
  for (let i = 0; i < 20; i += 1) valid(observation(String(i)));
  bad(JSON.stringify({ resourceType: 'Patient', id: 'bad', birthDate: '1970-02-30' }));
  lines.push(JSON.stringify(organization('o1')));
  bad(JSON.stringify({ resourceType: 'Nonsense', id: 'x' }));
  bad(JSON.stringify(observation('99')).replace('Patient/p99', 'Patient/'));
  return { lines, validKeys, rejectedLines };
}

describe('runMigration with an in-memory ledger', function () {
  this.timeout(20000);
  const scratch = useTempDir('migrate-', 'each');

  function setup(
    ledger: InMemoryLedger | undefined,
    resume: boolean,
    stop = new AbortController(),
    processor?: RecordProcessor,
  ) {
    const input = path.join(scratch.path, 'input.ndjson');
    const store = new CheckpointStore(path.join(scratch.path, 'checkpoint.json'));
    const resumeFrom = resume ? store.readForResume('fp') : undefined;
    const deps: MigrationDeps = {
      source: () => readNdjson(input, false),
      pipeline: testPipeline(),
      ...(processor === undefined ? {} : { processor }),
      ...(ledger === undefined
        ? {}
        : {
            ledger,
            deferredSpool: new DeferredFileSpool(
              path.join(scratch.path, 'deferred.ndjson'),
              resumeFrom?.deferred,
            ),
          }),
      deadLetter: new OrdinalLog(path.join(scratch.path, 'dead-letter.ndjson'), resumeFrom?.deadLetter),
      fixLog: new OrdinalLog(path.join(scratch.path, 'fixes.ndjson'), resumeFrom?.fixLog),
      checkpoint: { store, fingerprint: 'fp', ...(resumeFrom === undefined ? {} : { resumeFrom }) },
      sleep: () => Promise.resolve(),
      now: () => Date.now(),
      stop: stop.signal,
      log: { info: () => undefined, warn: () => undefined },
    };
    const settings: MigrationSettings = {
      inputs: [input],
      batchSize: 4,
      maxBatchBytes: 1 << 20,
      concurrency: 3,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      maxRecordBytes: 1 << 20,
      // Many small chunks, so a worker pool has several in flight when a batch fails.
      chunkRecords: 3,
    };
    return { deps, settings, input };
  }

  function deadLetterLines(): { line: number; reason: string }[] {
    return readFileSync(path.join(scratch.path, 'dead-letter.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { line: number; reason: string });
  }

  it('loads every valid record once, referenced types first, and dead-letters the rest', async () => {
    const { lines, validKeys, rejectedLines } = inputLines();
    const ledger = new InMemoryLedger();
    const { deps, settings, input } = setup(ledger, false);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const report = await runMigration(deps, settings);
    assert.equal(report.status, 'finished');
    assert.deepEqual([...ledger.records.keys()].sort(), [...validKeys].sort());
    assert.deepEqual(ledger.calls[0], ['Organization/o1', 'Practitioner/d1']);
    assert.deepEqual(report.records, { read: 46, accepted: 40, duplicates: 1, rejected: 5, assignedIds: 0 });
    assert.deepEqual(report.rejects, {
      R1: { records: 1, description: 'not parseable as JSON' },
      R2: { records: 1, description: 'resourceType missing or not an R4 resource type' },
      R5: { records: 1, description: 'conflicting duplicate: same type/id, different content' },
      R7: { records: 1, description: 'malformed reference' },
      R8: { records: 1, description: 'impossible date (e.g. 30 February)' },
    });
    assert.deepEqual(report.fixes.C3, {
      records: 9,
      occurrences: 9,
      description: 'code with wrong case or a common synonym replaced by the canonical code',
    });
    assert.equal(report.fixes.C7?.records, 1);
    assert.equal(report.ledger.created, 40);
    assert.deepEqual(report.ledgerHeight, { before: 1, after: 1 + ledger.calls.length });
    assert.deepEqual(
      deadLetterLines()
        .map((entry) => entry.line)
        .sort((a, b) => a - b),
      rejectedLines,
    );
    const checkpoint = new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).read();
    assert.equal(checkpoint.finished, true);
    // 46 records read, then the 38 set aside after the 2 referenced ones.
    assert.equal(checkpoint.watermark, 46 + 38);
  });

  for (const workers of [0, 2]) {
    it(`resumes after a crash and ends with exactly the valid set, no duplicates, every reject dead-lettered once (${workers} workers)`, async () => {
      const pool = workers === 0 ? undefined : new RecordWorkerPool(workers, testPipeline().options);
      try {
        const { lines, validKeys, rejectedLines } = inputLines();
        const ledger = new InMemoryLedger();
        ledger.failAfterBatches = 4;
        const first = setup(ledger, false, undefined, pool);
        writeFileSync(first.input, `${lines.join('\n')}\n`);
        const crashed = await runMigration(first.deps, first.settings);
        assert.equal(crashed.status, 'failed');
        assert.equal(crashed.error?.code, 'LEDGER_BATCH_FAILED');
        assert.match(crashed.error.message, /permanent failure: simulated crash$/);
        const loadedBefore = ledger.records.size;
        assert.ok(
          loadedBefore > 0 && loadedBefore < validKeys.length,
          `${loadedBefore} loaded before the crash`,
        );

        ledger.failAfterBatches = undefined;
        const callsBefore = ledger.calls.length;
        const second = setup(ledger, true, undefined, pool);
        const resumed = await runMigration(second.deps, second.settings);
        assert.equal(resumed.status, 'finished');
        assert.ok((resumed.resumedFrom ?? 0) > 0);
        assert.deepEqual([...ledger.records.keys()].sort(), [...validKeys].sort());
        const submittedAfterResume = ledger.calls.slice(callsBefore).flat();
        assert.equal(
          new Set(submittedAfterResume).size,
          submittedAfterResume.length,
          'no record submitted twice on resume',
        );
        assert.equal(resumed.ledger.created, validKeys.length);
        assert.deepEqual(resumed.records, {
          read: 46,
          accepted: 40,
          duplicates: 1,
          rejected: 5,
          assignedIds: 0,
        });
        assert.deepEqual(
          deadLetterLines()
            .map((entry) => entry.line)
            .sort((a, b) => a - b),
          rejectedLines,
        );

        const callsAtEnd = ledger.calls.length;
        const third = setup(ledger, true, undefined, pool);
        const again = await runMigration(third.deps, third.settings);
        assert.equal(again.status, 'finished');
        assert.equal(ledger.calls.length, callsAtEnd, 'a finished migration resumed loads nothing');
        assert.deepEqual(
          deadLetterLines()
            .map((entry) => entry.line)
            .sort((a, b) => a - b),
          rejectedLines,
        );
      } finally {
        await pool?.close();
      }
    });
  }

  it('a ledger still unreachable when retries run out ends the run as LEDGER_UNAVAILABLE, not a batch failure', async () => {
    const { lines } = inputLines();
    const ledger = new InMemoryLedger();
    ledger.failAfterBatches = 1;
    ledger.failure = () =>
      new LedgerError(
        LedgerErrorCode.UNAVAILABLE,
        'CreateRecords endorse failed: 14 UNAVAILABLE: peer down',
        {
          transaction: 'CreateRecords',
        },
      );
    const run = setup(ledger, false);
    writeFileSync(run.input, `${lines.join('\n')}\n`);
    const report = await runMigration(run.deps, run.settings);
    assert.equal(report.status, 'failed');
    assert.equal(report.error?.code, 'LEDGER_UNAVAILABLE');
    assert.match(report.error.message, /still failing after 3 attempts: .*14 UNAVAILABLE: peer down/);
  });

  it('retries transient failures and stops on SIGINT with the checkpoint at the committed prefix', async () => {
    const { lines } = inputLines();
    const ledger = new InMemoryLedger();
    let transientLeft = 2;
    const realCreate = ledger.createRecords.bind(ledger);
    const stop = new AbortController();
    ledger.createRecords = (batch) => {
      if (transientLeft > 0) {
        transientLeft -= 1;
        return Promise.reject(
          new LedgerError(
            LedgerErrorCode.UNAVAILABLE,
            'CreateRecords endorse failed: 14 UNAVAILABLE: peer down',
            {
              transaction: 'CreateRecords',
            },
          ),
        );
      }
      if (ledger.calls.length === 3) stop.abort();
      return realCreate(batch);
    };
    const { deps, settings, input } = setup(ledger, false, stop);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const report = await runMigration(deps, settings);
    assert.equal(report.status, 'interrupted');
    const checkpoint = new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).read();
    assert.equal(checkpoint.finished, false);
    assert.equal(checkpoint.ledger.created, ledger.records.size);
    assert.ok(checkpoint.watermark > 0);
  });

  it('--dry-run submits nothing and writes no checkpoint', async () => {
    const { lines } = inputLines();
    const { deps, settings, input } = setup(undefined, false);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const report = await runMigration(deps, settings);
    assert.equal(report.dryRun, true);
    assert.equal(report.records.accepted, 40);
    assert.equal(new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).exists(), false);
  });

  it('refuses to resume against different inputs or options', () => {
    const store = new CheckpointStore(path.join(scratch.path, 'checkpoint.json'));
    store.write({
      version: 2,
      fingerprint: 'a'.repeat(64),
      watermark: 3,
      finished: false,
      deadLetter: { bytes: 0, maxOrdinal: 0 },
      fixLog: { bytes: 0, maxOrdinal: 0 },
      ledger: { created: 0, unchanged: 0, conflict: 0, invalid: 0 },
      updatedAt: new Date().toISOString(),
    });
    assert.throws(() => store.readForResume('b'.repeat(64)), {
      code: 'CHECKPOINT_MISMATCH',
      message: new RegExp(
        `^checkpoint ${store.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} belongs to a migration of different inputs or options`,
      ),
    });
  });
});
