import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../common/cli-args.js';
import { loadMigrateConfig, MIGRATE_SPEC } from './migrate-config.js';

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
