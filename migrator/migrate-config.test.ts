import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpText, parseCommandArgs } from '../common/cli-args.js';
import { ConfigError, envName } from '../common/config-table.js';
import { loadMigrateConfig, MIGRATE_SPEC } from './migrate-config.js';
import { MIGRATE_SETTINGS } from './migrate-settings.js';
import { loadVerifyConfig, VERIFY_SPEC } from './verify-config.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const config = (...argv: string[]) =>
  loadMigrateConfig(parseCommandArgs(MIGRATE_SPEC, ['--input', 'in.ndjson', ...argv]), {});

describe('migrate default output names: a dry run never overwrites a live run', () => {
  it('a live run writes migrate-report.json and its dead letter beside it', () => {
    const live = config();
    assert.equal(live.reportFile, path.join('runs', 'migrate', 'migrate-report.json'));
    assert.equal(live.deadLetterFile, path.join('runs', 'migrate', 'migrate-report.dead-letter.ndjson'));
  });

  it('a dry run gets .dry-run in its report and dead letter; the checkpoint a --resume finds stays the live one', () => {
    const dry = config('--dry-run');
    assert.equal(dry.reportFile, path.join('runs', 'migrate', 'migrate-report.dry-run.json'));
    assert.equal(
      dry.deadLetterFile,
      path.join('runs', 'migrate', 'migrate-report.dry-run.dead-letter.ndjson'),
    );
    assert.equal(dry.checkpointFile, config().checkpointFile);
  });

  it('a report the user names is used as named, its dead letter still marked .dry-run', () => {
    const dry = config('--dry-run', '--report', path.join('out', 'r.json'));
    assert.equal(dry.reportFile, path.join('out', 'r.json'));
    assert.equal(dry.deadLetterFile, path.join('out', 'r.dry-run.dead-letter.ndjson'));
  });

  it('end to end: a dry run after a live run leaves the live report in runs/migrate/ as it was', function () {
    this.timeout(60000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-dry-names-'));
    try {
      writeFileSync(
        path.join(dir, 'in.ndjson'),
        '{"resourceType":"Patient","id":"p1"}\n{"resourceType":"Patient","id":"p2","birthDate":"2021-02-30"}\n',
      );
      const runFolder = path.join(dir, 'runs', 'migrate');
      mkdirSync(runFolder, { recursive: true });
      const liveReport = '{"status":"finished","from":"the live run"}\n';
      writeFileSync(path.join(runFolder, 'migrate-report.json'), liveReport);
      const result = spawnSync(
        process.execPath,
        [CLI, 'migrate', '--input', 'in.ndjson', '--dry-run', '--log-level', 'silent'],
        { cwd: dir, encoding: 'utf8' },
      );
      assert.equal(result.status, 3, result.stderr);
      assert.equal(readFileSync(path.join(runFolder, 'migrate-report.json'), 'utf8'), liveReport);
      const dry = JSON.parse(readFileSync(path.join(runFolder, 'migrate-report.dry-run.json'), 'utf8')) as {
        dryRun: boolean;
        rejects: Record<string, unknown>;
      };
      assert.equal(dry.dryRun, true);
      assert.deepEqual(Object.keys(dry.rejects), ['R8']);
      assert.match(result.stdout, /report: runs\/migrate\/migrate-report\.dry-run\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrate and migrate verify on the shared config table: flag > FHIRLEDGER_* variable > default', () => {
  const withEnv = (env: NodeJS.ProcessEnv, ...argv: string[]) =>
    loadMigrateConfig(parseCommandArgs(MIGRATE_SPEC, ['--input', 'in.ndjson', ...argv]), env);

  it('reads a setting from FHIRLEDGER_MIGRATE_<FLAG>, the flag winning over it', () => {
    const env = { FHIRLEDGER_MIGRATE_BATCH_SIZE: '50', FHIRLEDGER_MIGRATE_DATE_ORDER: 'mdy' };
    assert.equal(withEnv({}).batchSize, 200);
    assert.equal(withEnv(env).batchSize, 50);
    assert.equal(withEnv(env).dateOrder, 'mdy');
    assert.equal(withEnv(env, '--batch-size', '7').batchSize, 7);
  });

  it('a bad variable is a ConfigError naming the variable; a bad flag names the flag', () => {
    assert.throws(
      () => withEnv({ FHIRLEDGER_MIGRATE_CONCURRENCY: 'abc' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'FHIRLEDGER_MIGRATE_CONCURRENCY "abc" is not a whole number from 1 to 64',
    );
    assert.throws(() => withEnv({}, '--date-order', 'ymd'), /--date-order "ymd" is not dmy or mdy/);
    assert.throws(() => withEnv({}, '--on-conflict', 'last-wins'), /last-wins is not supported/);
  });

  it('--connection reads the shared FHIRLEDGER_CONNECTION', () => {
    assert.equal(withEnv({ FHIRLEDGER_CONNECTION: 'profile.json' }).connection, 'profile.json');
  });

  it('--help names every variable, and the README documents the pattern and its exceptions', () => {
    const help = helpText(MIGRATE_SPEC);
    for (const setting of MIGRATE_SETTINGS.settings)
      assert.ok(help.includes(envName(MIGRATE_SETTINGS, setting)));
    const readme = readFileSync(path.join('migrator', 'README.md'), 'utf8');
    for (const name of ['FHIRLEDGER_MIGRATE_<FLAG>', 'FHIRLEDGER_CONNECTION', 'FHIRLEDGER_VERIFY_TIMEOUT_MS'])
      assert.ok(readme.includes(`\`${name}\``), name);
  });

  it("verify: its own settings from FHIRLEDGER_VERIFY_*, the acceptance settings from migrate's", () => {
    const verify = (env: NodeJS.ProcessEnv, ...argv: string[]) =>
      loadVerifyConfig(parseCommandArgs(VERIFY_SPEC, ['--input', 'in.ndjson', ...argv]), env);
    const defaults = verify({});
    assert.equal(defaults.timeoutMs, 600_000);
    assert.equal(defaults.reportFile, path.join('runs', 'migrate', 'verify-report.json'));
    const env = {
      FHIRLEDGER_VERIFY_TIMEOUT_MS: '5000',
      FHIRLEDGER_VERIFY_REPORT: 'audit.json',
      FHIRLEDGER_MIGRATE_MAX_RECORD_BYTES: '2048',
      FHIRLEDGER_MIGRATE_REPORT: 'not-the-audit.json',
    };
    const fromEnv = verify(env);
    assert.equal(fromEnv.timeoutMs, 5000);
    assert.equal(fromEnv.reportFile, 'audit.json');
    assert.equal(fromEnv.migrate.maxRecordBytes, 2048);
    assert.equal(verify(env, '--timeout-ms', '3000').timeoutMs, 3000);
    assert.throws(() => verify({ FHIRLEDGER_VERIFY_TIMEOUT_MS: '5' }), /FHIRLEDGER_VERIFY_TIMEOUT_MS "5"/);
  });
});
