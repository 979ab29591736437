/**
 * Hyperledger Caliper 0.6.0, unmodified, with its peer-gateway connector (fabric-gateway 1.5.0, grpc-js 1.10.3)
 * against a devnet started by the test: 50 CreateRecords then 50 ReadRecord at 10 TPS. The verdict comes from
 * Caliper's report, never from its exit code (which is 0 even when every transaction fails).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDevnet } from '../../network/test/devnet.testkit.js';
import { runCaliper } from './caliper-run.js';
import type { CaliperRound } from './rounds.js';

describe('Caliper against the devnet', function () {
  // A cold Caliper install from the npm registry takes about a minute; a warm one is instant.
  this.timeout(15 * 60 * 1000);
  const devnet = new TestDevnet(24000);
  const resultsRoot = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-caliper-results-'));

  before(() => {
    const up = devnet.up();
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
  });

  after(() => {
    devnet.destroy();
    rmSync(resultsRoot, { recursive: true, force: true });
  });

  it('runs a CreateRecords round and a ReadRecord round, every transaction successful in the report', async () => {
    const rounds: CaliperRound[] = [
      { op: 'open', tps: 10, transactions: 50 },
      { op: 'query', tps: 10, transactions: 50 },
    ];
    const lines: string[] = [];
    const result = await runCaliper(
      { home: devnet.home, rounds, workers: 1, batchSize: 1, poolSize: 50, resultsRoot },
      (line) => lines.push(line),
    );
    const summary = result.verdict.rounds.map((round) => ({
      label: round.label,
      succ: round.caliper?.succ,
      fail: round.caliper?.fail,
      samples: round.samples,
    }));
    process.stderr.write(
      `      ${JSON.stringify(result.verdict.rounds.map((r) => ({ ...r.caliper, ...r.latency })))}\n`,
    );
    assert.deepEqual(result.verdict.problems, [], `${JSON.stringify(result.failures)}\n${lines.join('\n')}`);
    assert.deepEqual(summary, [
      { label: 'open-10tps', succ: 50, fail: 0, samples: 50 },
      { label: 'query-10tps', succ: 50, fail: 0, samples: 50 },
    ]);
    assert.equal(result.reportSource, 'report.html');
    assert.deepEqual(result.failures, []);
    assert.equal(result.exit.code, 0);
    // Caliper's own log agrees with report.html, and the run folder holds what was run.
    const log = readFileSync(path.join(result.folder, 'caliper.log'), 'utf8');
    assert.match(log, /### All test results ###/);
    assert.match(
      log,
      /Initializing peer gateway connector compatible with installed fabric-gateway SDK: 1\.5\.0/,
    );
    for (const file of ['run.json', 'report.html']) {
      assert.ok(existsSync(path.join(result.folder, file)), file);
    }
    // The workspace names key files by absolute path: it stays out of results/, and run.json names no machine path.
    assert.equal(existsSync(path.join(result.folder, 'workspace')), false);
    assert.doesNotMatch(
      readFileSync(path.join(result.folder, 'run.json'), 'utf8'),
      /"\/(tmp|work|root|home)\//,
    );
  });
});
