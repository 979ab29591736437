/**
 * `fhirledger migrate verify` against a live fabric-devnet, everything through the CLI as a user runs it: generate a
 * small population with defects, migrate it, and start verify; once it has fixed the chain's height, pause it
 * (SIGSTOP), write one record the input does not have straight through the ledger client as the migrator, and let it
 * go on: it reads exactly up to the height it fixed (match, exit 0, the new block not read). A second verify sees
 * the new record (exit 1, named as unexpected).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
import { CLI, runCli, TestDevnet } from '../network/test/devnet.testkit.js';
import { cleanAuditCounts } from './verify/ledger-audit.js';
import type { VerifyReport } from './verify-cli.js';

describe('migrate verify on a live devnet', function () {
  this.timeout(180_000);
  const devnet = new TestDevnet(26000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-verify-test-'));
  const data = path.join(work, 'data');
  const profile = path.join(devnet.home, 'fhirledger-connection.json');

  before(() => {
    const up = devnet.up();
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
    const generated = runCli([
      'generate',
      '--patients',
      '12',
      '--seed',
      '15',
      '--dirty-rate',
      '0.2',
      '--out',
      data,
      '--quiet',
    ]);
    assert.equal(generated.status, 0, generated.stderr);
  });

  after(() => {
    devnet.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  const verifyArgs = (report: string) => [
    'migrate',
    'verify',
    '--input',
    data,
    '--connection',
    profile,
    '--report',
    report,
    '--workers',
    '0',
    '--log-level',
    'info',
    '--timeout-ms',
    '60000',
  ];
  const verify = (report: string) => {
    const started = Date.now();
    const result = runCli(verifyArgs(report));
    process.stderr.write(`      verify took ${Date.now() - started} ms\n`);
    return { ...result, report: JSON.parse(readFileSync(report, 'utf8')) as VerifyReport };
  };

  /** Runs verify, pausing it (SIGSTOP) from the moment it logs the chain height until `meanwhile` has finished. */
  const verifyWhile = async (report: string, meanwhile: () => Promise<void>) => {
    const child = spawn(process.execPath, [CLI, ...verifyArgs(report)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let paused: Promise<void> | undefined;
    let failure: Error | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (paused !== undefined || !stderr.includes('"msg":"chain height at start"')) return;
      child.kill('SIGSTOP');
      paused = meanwhile()
        .catch((error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => child.kill('SIGCONT'));
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    await paused;
    if (failure !== undefined) throw failure;
    assert.ok(paused !== undefined, `verify never logged its chain height:\n${stderr}`);
    return { status, stdout, stderr, report: JSON.parse(readFileSync(report, 'utf8')) as VerifyReport };
  };

  const writeStray = async () => {
    const session = new LedgerSession(loadConnectionProfile(profile));
    try {
      const created = await session
        .ledgerForNamed('migrator')
        .createRecords([{ resourceType: 'Patient', id: 'not-in-the-input', name: [{ family: 'Stray' }] }]);
      assert.deepEqual(
        created.value.items.map((item) => item.outcome),
        ['created'],
      );
    } finally {
      session.close();
    }
  };

  it('matches after a live migration of input with defects, reading exactly up to the height at its start though a block lands meanwhile (exit 0); then names the record that block wrote (exit 1)', async () => {
    const migrated = runCli([
      'migrate',
      '--input',
      data,
      '--connection',
      profile,
      '--report',
      path.join(work, 'migrate.json'),
      '--workers',
      '0',
    ]);
    // 3: finished, some defective records rejected (the point of the dirty rate).
    assert.equal(migrated.status, 3, migrated.stderr);
    const migrateReport = JSON.parse(readFileSync(path.join(work, 'migrate.json'), 'utf8')) as {
      records: { accepted: number; rejected: number };
      ledger: { created: number };
    };
    assert.ok(migrateReport.records.rejected > 0);

    // The stray record is committed in a block after the height verify fixed: it must not be read.
    const first = await verifyWhile(path.join(work, 'verify-1.json'), writeStray);
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(first.report.status, 'match');
    assert.equal(first.report.input.accepted, migrateReport.ledger.created);
    assert.ok(first.report.input.rejected > 0);
    assert.deepEqual({ ...first.report.counts }, cleanAuditCounts(migrateReport.ledger.created));
    assert.match(first.stdout, /ledger audit: match/);
    const height = Number(first.report.ledger?.heightAtStart);
    assert.ok(height > 1, `height ${String(first.report.ledger?.heightAtStart)}`);
    assert.equal(first.report.ledger?.blocks, height);
    assert.equal(first.report.ledger.lastBlock, String(height - 1));

    const second = verify(path.join(work, 'verify-2.json'));
    // The stray record's block lies past the first audit's height: the second audit starts higher and reads it.
    assert.ok(Number(second.report.ledger?.heightAtStart) > height);
    // A ledger that differs is what verify is there to find: exit 3, not the 1 of an unexpected failure.
    assert.equal(second.status, 3, `${second.stdout}\n${second.stderr}`);
    assert.equal(second.report.status, 'differ');
    const counts = second.report.counts;
    assert.ok(counts !== undefined);
    assert.deepEqual([counts.unexpected, counts.missing, counts.hashMismatch], [1, 0, 0]);
    assert.equal(counts.matching, migrateReport.ledger.created);
    assert.deepEqual(
      second.report.differences?.map((d) => [d.kind, d.key]),
      [['unexpected', 'Patient/not-in-the-input']],
    );
    assert.match(
      second.stdout,
      /unexpected {2}Patient\/not-in-the-input: on the ledger, not accepted from the input/,
    );
  });

  it('refuses a missing connection profile as a configuration error (exit 2, LEDGER_UNAVAILABLE)', () => {
    const result = runCli([
      'migrate',
      'verify',
      '--input',
      data,
      '--connection',
      path.join(work, 'nope.json'),
    ]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /LEDGER_UNAVAILABLE: connection profile .*nope\.json/);
  });
});
