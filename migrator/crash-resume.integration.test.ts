/**
 * Crash safety proven on the ledger (issue 15): a live `fhirledger migrate` against a real devnet is SIGKILLed at
 * several points — while reading, with batches in flight, right after a commit and before its checkpoint, while
 * sending the records set aside during the one read of the input — and
 * resumed each time; then the peer and the chaincode server are killed and restarted under a running migration.
 * Each time `migrate verify` must find the ledger equal to the valid input set: nothing missing, nothing extra,
 * nothing written twice. The kill points are reached deterministically with the test-only freeze
 * (io/test-freeze.ts): the process stops dead at the chosen milestone and is killed there.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, TestDevnet } from '../network/test/devnet.testkit.js';
import { assertLedgerMatches, LiveMigration, readMigrateReport } from './live-migration.testkit.js';

const PEER = 'peer0.org1.example.com';
const CHAINCODE = 'chaincode-ehr';

/** A live migration of generated records with defects (≈ 3,000 records, ≈ 120 batches of 25). */
function setUp(portOffset: number, seed: number) {
  const devnet = new TestDevnet(portOffset);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-crash-test-'));
  const data = path.join(work, 'data');
  const report = path.join(work, 'migrate.json');
  const migration = new LiveMigration(devnet, [
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
  ]);
  const before = () => {
    let up = devnet.up();
    // A port of the offset can be held for a moment as some connection's ephemeral source port: wait, try once more.
    if (up.status !== 0 && /already listening on/.test(up.stderr)) {
      devnet.network('down');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
      up = devnet.up();
    }
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
    const generated = runCli([
      'generate',
      '--patients',
      '60',
      '--seed',
      String(seed),
      '--dirty-rate',
      '0.1',
      '--out',
      data,
      '--quiet',
    ]);
    assert.equal(generated.status, 0, generated.stderr);
  };
  const after = () => {
    devnet.destroy();
    rmSync(work, { recursive: true, force: true });
  };
  return { devnet, work, data, report, migration, before, after };
}

describe('migrate on a live devnet: SIGKILL and resume', function () {
  this.timeout(300_000);
  const run = setUp(40000, 21);
  before(run.before);
  after(run.after);

  it('killed while reading, right after a commit, with a batch just sent and mid-pass: the ledger ends equal to the valid input', async () => {
    // ≈ 3,000 records read once; the 11 Organizations and Practitioners are sent as read (one batch, at the end
    // of the input: their files sort late), every other accepted record is set aside and sent after them.
    await run.migration.crashAt('record-read:1500', false); // reading, nothing sent yet
    await run.migration.crashAt('batch-committed:1', true); // the referenced batch committed, not checkpointed
    await run.migration.crashAt('deferred-read:800', true); // sending the set-aside records, batches in flight
    await run.migration.crashAt('batch-sent:10', true); // a CreateRecords sent, its answer not heard
    await run.migration.crashAt('batch-committed:5', true); // a set-aside batch committed, not checkpointed

    const last = run.migration.start({ resume: true });
    const { code, stderr } = await last.exited;
    // 3: finished, the defective records rejected.
    assert.equal(code, 3, stderr);
    const report = readMigrateReport(run.report);
    assert.equal(report.status, 'finished');
    assert.ok(report.resumedFrom !== undefined && report.resumedFrom > 0, 'the last run resumed');
    const { created, unchanged, conflict, invalid } = report.ledger;
    // The batch committed before its checkpoint was sent again and answered unchanged, not written twice.
    assert.ok(unchanged >= 1, `no batch was sent again (unchanged ${unchanged})`);
    assert.ok(created <= report.records.accepted && created + unchanged >= report.records.accepted);
    assert.deepEqual([conflict, invalid], [0, 0]);

    assertLedgerMatches(
      run.migration.verify(run.data, path.join(run.work, 'verify.json')),
      report.records.accepted,
    );
  });
});

describe('migrate on a live devnet: --on-conflict last-wins', function () {
  this.timeout(120_000);
  const run = setUp(41000, 23);
  before(run.before);
  after(run.after);

  it('is refused before anything is read or written (exit 2): the migrator identity may only create records', () => {
    const peerHeight = () => run.devnet.status().nodes.find((node) => node.name === PEER)?.ledgerHeight;
    const heightBefore = peerHeight();
    const conflicting = path.join(run.work, 'conflict.ndjson');
    writeFileSync(
      conflicting,
      [
        { resourceType: 'Patient', id: 'p1', gender: 'female' },
        { resourceType: 'Patient', id: 'p1', gender: 'male' },
      ]
        .map((record) => JSON.stringify(record))
        .join('\n'),
    );
    for (const command of [['migrate'], ['migrate', 'verify']]) {
      const report = path.join(run.work, `${command.join('-')}.json`);
      const result = runCli([
        ...command,
        '--input',
        conflicting,
        '--on-conflict',
        'last-wins',
        '--connection',
        run.migration.profile,
        '--report',
        report,
      ]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(
        result.stderr,
        /--on-conflict last-wins is not supported: the migrator identity may only create records \(CreateRecords\)/,
      );
      assert.equal(existsSync(report), false);
    }
    assert.equal(peerHeight(), heightBefore);
    // The default keeps the first version and puts the later one in the dead letter: nothing is lost.
    const loaded = runCli([
      'migrate',
      '--input',
      conflicting,
      '--connection',
      run.migration.profile,
      '--report',
      path.join(run.work, 'reject.json'),
    ]);
    assert.equal(loaded.status, 3, loaded.stderr);
    const deadLetter = readFileSync(path.join(run.work, 'reject.dead-letter.ndjson'), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(
      deadLetter.map((line) => {
        const entry = JSON.parse(line) as { reason: string; line: number };
        return [entry.reason, entry.line];
      }),
      [['R5', 2]],
    );
    assert.equal(readMigrateReport(path.join(run.work, 'reject.json')).ledger.created, 1);
  });
});

describe('migrate on a live devnet: peer and chaincode server killed and restarted mid-run', function () {
  this.timeout(300_000);
  const run = setUp(40500, 22);
  before(run.before);
  after(run.after);

  it('retries or resumes through both restarts and the ledger ends equal to the valid input', async () => {
    const committed = /"msg":"batch committed"/;
    const first = run.migration.start();
    await waitForCount(first, committed, 8);
    await restart(run.devnet, PEER);
    // Should the outage have ended the run, the chaincode server is restarted under its resume instead.
    let current = first;
    let { code, stderr } = { code: null as number | null, stderr: '' };
    if (!(await waitForCount(current, committed, current.count(committed) + 8))) {
      ({ code, stderr } = await current.exited);
      assert.ok(code === 1 || code === 2, `exit ${String(code)}: ${stderr}`);
      current = run.migration.start({ resume: true });
      await waitForCount(current, committed, 8);
    }
    await restart(run.devnet, CHAINCODE);
    ({ code, stderr } = await current.exited);
    const failedAttempts = /CreateRecords attempt failed/.test(stderr) || first !== current;
    // Retries outlast a short outage; a longer one ends the run (exit 2 if the ledger did not answer, 1 if it answered
    // with a failure) and --resume carries on.
    for (let resumes = 0; (code === 1 || code === 2) && resumes < 3; resumes += 1) {
      ({ code, stderr } = await run.migration.start({ resume: true }).exited);
    }
    assert.equal(code, 3, stderr);
    assert.ok(failedAttempts, 'no CreateRecords attempt failed: the restarts were not noticed');
    const report = readMigrateReport(run.report);
    assert.equal(report.status, 'finished');
    assertLedgerMatches(
      run.migration.verify(run.data, path.join(run.work, 'verify.json')),
      report.records.accepted,
    );
  });
});

/** SIGKILLs one devnet node and starts it again a second later. */
async function restart(devnet: TestDevnet, node: string): Promise<void> {
  const killed = devnet.network('kill', node);
  assert.equal(killed.status, 0, killed.stderr);
  await sleep(1000);
  const started = devnet.network('start', node);
  assert.equal(started.status, 0, started.stderr);
}

/** Waits until `count` stderr lines match; false if the run ended first. */
async function waitForCount(
  run: ReturnType<LiveMigration['start']>,
  pattern: RegExp,
  count: number,
): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (run.count(pattern) < count) {
    if (run.hasExited()) return false;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} lines matching ${pattern} within 60 s`);
    await sleep(50);
  }
  return true;
}
