import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

describe('fhirledger network install', function () {
  // A cold build of Fabric from source takes minutes on two cores.
  this.timeout(30 * 60 * 1000);

  it('either installs Fabric 3.1.x or fails with a coded reason and leaves no half-built binaries behind', () => {
    const home = process.env.FHIRLEDGER_HOME ?? mkdtempSync(path.join(os.tmpdir(), 'fhirledger-home-'));
    const result = spawnSync(process.execPath, [CLI, 'network', 'install'], {
      env: { ...process.env, FHIRLEDGER_HOME: home },
      encoding: 'utf8',
    });
    const binDir = path.join(home, 'bin');
    const leftovers = existsSync(binDir)
      ? readdirSync(binDir).filter((name) => /\.(partial-\d+|lock)$/.test(name))
      : [];
    assert.deepEqual(leftovers, [], 'staging or lock folders were left behind');
    if (result.status === 0) {
      assert.match(result.stderr, /Fabric 3\.1\.\d+ in /);
      return;
    }
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /TOOLCHAIN_[A-Z_]+: /);
    // Say plainly in the test output why no network tests can run on this machine.
    const reason = result.stderr.split('\n').find((line) => line.includes('TOOLCHAIN_')) ?? '';
    process.stderr.write(`      (Fabric binaries unavailable here: ${reason})\n`);
  });
});

describe('fhirledger network status --json', () => {
  it('lists the pinned tool sets with their cache folders', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-home-'));
    const result = spawnSync(process.execPath, [CLI, 'network', 'status', '--json'], {
      env: { ...process.env, FHIRLEDGER_HOME: home },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    const body = JSON.parse(result.stdout) as {
      binaries: { name: string; installed: boolean; dir: string }[];
    };
    assert.deepEqual(
      body.binaries.map((row) => [row.name, row.installed, row.dir.startsWith(home)]),
      [
        ['fabric-3.1.5', false, true],
        ['fabric-ca-v1.5.15', false, true],
        ['k6-v1.8.1', false, true],
      ],
    );
  });
});
