import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
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
});
