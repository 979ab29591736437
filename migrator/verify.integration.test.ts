/**
 * `fhirledger migrate verify` against a live fabric-devnet, everything through the CLI as a user runs it: generate a
 * small population with defects, migrate it, verify (match, exit 0); then write one record the input does not have
 * straight through the ledger client as the migrator, and verify again (exit 1, the record named as unexpected).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
import { runCli, TestDevnet } from '../network/test/devnet.testkit.js';
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

  const verify = (report: string) => {
    const started = Date.now();
    const result = runCli([
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
      '--quiet-ms',
      '1000',
    ]);
    process.stderr.write(`      verify took ${Date.now() - started} ms\n`);
    return { ...result, report: JSON.parse(readFileSync(report, 'utf8')) as VerifyReport };
  };

  it('matches after a live migration of input with defects (exit 0), then names a record written outside it (exit 1)', async () => {
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

    const first = verify(path.join(work, 'verify-1.json'));
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(first.report.status, 'match');
    assert.equal(first.report.input.accepted, migrateReport.ledger.created);
    assert.ok(first.report.input.rejected > 0);
    assert.deepEqual(
      { ...first.report.counts },
      {
        expected: migrateReport.ledger.created,
        onLedger: migrateReport.ledger.created,
        matching: migrateReport.ledger.created,
        missing: 0,
        hashMismatch: 0,
        unexpected: 0,
        damaged: 0,
        rewritten: 0,
        deletedOnLedger: 0,
      },
    );
    assert.match(first.stdout, /ledger audit: match/);

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

    const second = verify(path.join(work, 'verify-2.json'));
    assert.equal(second.status, 1, `${second.stdout}\n${second.stderr}`);
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
