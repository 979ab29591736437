import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureK6 } from '../../toolchain/k6.js';
import { repoRoot } from './repo-root.js';

describe('k6 scripts (loadtests/scenarios, loadtests/lib)', () => {
  it('type-check with their own tsconfig (k6 only strips types, so tsc is the only checker)', function () {
    this.timeout(60_000);
    const root = repoRoot();
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'loadtests/tsconfig.json', '--noEmit'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
  });

  it('refuse a bad __ENV value before any VU starts, naming the variable (real k6, `inspect`)', async function () {
    this.timeout(300_000);
    const k6 = await ensureK6({ log: (line) => process.stderr.write(`      ${line}\n`) });
    // k6 logs the exception inside a quoted msg="…", so its quotes arrive escaped.
    const cases = [
      ['smoke.ts', 'SMOKE_VUS=abc', /env SMOKE_VUS=\\?"abc\\?" is not a whole number >= 1/],
      ['caliper.ts', 'CALIPER_RATES=50,x', /env CALIPER_RATES entry \\?"x\\?" is not a whole number >= 1/],
      [
        'caliper.ts',
        'CALIPER_RATES=2000',
        /CALIPER_TRANSACTIONS=1000 at 2000 TPS sends for under 1 s.*at least 2001/,
      ],
      ['smoke.ts', 'SMOKE_DURATION=soon', /env SMOKE_DURATION=\\?"soon\\?" is not a k6 duration/],
    ] as const;
    for (const [script, env, expected] of cases) {
      const result = spawnSync(k6, ['inspect', '-e', env, path.join('loadtests', 'scenarios', script)], {
        cwd: repoRoot(),
        encoding: 'utf8',
      });
      assert.match(`${result.stdout}${result.stderr}`, expected, `${script} ${env}`);
    }
  });

  it('plan Caliper rounds that never skip a transaction and drain before the next round (real k6, `inspect`)', async function () {
    this.timeout(300_000);
    const k6 = await ensureK6({ log: (line) => process.stderr.write(`      ${line}\n`) });
    const env = ['CALIPER_TRANSACTIONS=300', 'CALIPER_RATES=50,250', 'REQUEST_TIMEOUT=10s'];
    const result = spawnSync(
      k6,
      ['inspect', ...env.flatMap((pair) => ['-e', pair]), path.join('loadtests', 'scenarios', 'caliper.ts')],
      { cwd: repoRoot(), encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    const scenarios = (
      JSON.parse(result.stdout) as {
        scenarios: Record<
          string,
          {
            maxVUs: number;
            preAllocatedVUs: number;
            gracefulStop: string;
            startTime: string;
            duration: string;
          }
        >;
      }
    ).scenarios;
    assert.deepEqual(Object.keys(scenarios).sort(), [
      'open_250tps',
      'open_50tps',
      'query_250tps',
      'query_50tps',
      'transfer_250tps',
      'transfer_50tps',
    ]);
    // One VU per transaction at most: k6 never drops a transaction for want of a VU.
    for (const scenario of Object.values(scenarios)) {
      assert.equal(scenario.maxVUs, 300);
      assert.equal(scenario.preAllocatedVUs, 300);
    }
    // The drain window gives each request of the round's last transaction the whole timeout (transfer makes two).
    assert.equal(scenarios.open_50tps?.gracefulStop, '15s');
    assert.equal(scenarios.transfer_50tps?.gracefulStop, '25s');
    // 300 transactions at 50 TPS send over 5.99 s; the next round waits for that window and the drain.
    assert.equal(scenarios.open_50tps.duration, '5.99s');
    assert.equal(scenarios.open_250tps?.startTime, '20.99s');
  });
});
