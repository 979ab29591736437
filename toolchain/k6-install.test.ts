import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ensureK6, K6_VERSION } from './k6.js';

describe('ensureK6', function () {
  // A cold build downloads k6's modules and compiles it (about two minutes on two cores); later runs hit the cache.
  this.timeout(20 * 60 * 1000);

  it(`builds or finds k6 ${K6_VERSION} and the binary runs`, async () => {
    const binary = await ensureK6({ log: (line) => process.stderr.write(`      ${line}\n`) });
    const result = spawnSync(binary, ['version'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^k6 ${K6_VERSION.replace(/\./g, '\\.')}\\b`));
  });

  it('uses K6_BIN when set, and refuses one that does not exist', async () => {
    await assert.rejects(ensureK6({ env: { ...process.env, K6_BIN: '/nonexistent/k6' } }), {
      name: 'ToolchainError',
      code: 'TOOLCHAIN_BINARY_MISSING',
    });
  });
});
