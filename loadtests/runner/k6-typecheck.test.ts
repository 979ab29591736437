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
});
