import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALIPER_VERSION, ensureCaliper } from './caliper.js';

describe('ensureCaliper', function () {
  // A cold install pulls Caliper and its Fabric binding from the npm registry; later runs hit the cache.
  this.timeout(20 * 60 * 1000);

  it(`installs or finds Caliper ${CALIPER_VERSION} bound to the peer gateway, and its CLI runs`, async () => {
    const started = Date.now();
    const caliper = await ensureCaliper({ log: (line) => process.stderr.write(`      ${line}\n`) });
    process.stderr.write(`      ensureCaliper took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const result = spawnSync(process.execPath, [caliper.cli, '--version'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), CALIPER_VERSION);
  });

  it('refuses a CALIPER_DIR without Caliper in it', async () => {
    await assert.rejects(ensureCaliper({ env: { ...process.env, CALIPER_DIR: '/nonexistent/caliper' } }), {
      name: 'ToolchainError',
      code: 'TOOLCHAIN_BINARY_MISSING',
    });
  });

  it('refuses a CALIPER_DIR whose Caliper is not bound to the peer gateway', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-caliper-unbound-'));
    try {
      const cli = path.join(dir, 'node_modules', '@hyperledger', 'caliper-cli');
      mkdirSync(cli, { recursive: true });
      writeFileSync(path.join(cli, 'caliper.js'), '');
      await assert.rejects(ensureCaliper({ env: { ...process.env, CALIPER_DIR: dir } }), {
        name: 'ToolchainError',
        code: 'TOOLCHAIN_WRONG_VERSION',
        message: `CALIPER_DIR ${dir} is not bound to the peer-gateway connector; run "npx caliper bind --caliper-bind-sut fabric:2.4" there`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
