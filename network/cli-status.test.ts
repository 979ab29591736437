import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

// No devnet is started: these runs only meet a home that has none, as a user who skipped `network up` would.
describe('fhirledger network status on a home with no devnet', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-no-devnet-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });
  const status = (...flags: string[]) =>
    spawnSync(process.execPath, [CLI, 'network', 'status', '--home', home, ...flags], { encoding: 'utf8' });

  it('exits 2 (a state the user fixes, not a failure) naming NETWORK_NOT_CREATED and the fix', () => {
    const result = status();
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^fhirledger network status: NETWORK_NOT_CREATED: no devnet in .*network up/);
  });

  it('with --json still prints the report, with no nodes, and exits 2', () => {
    const result = status('--json');
    assert.equal(result.status, 2);
    const report = JSON.parse(result.stdout) as {
      home: string;
      nodes: unknown[];
      connectionProfiles: unknown;
    };
    assert.equal(report.home, path.resolve(home));
    assert.deepEqual(report.nodes, []);
    assert.equal(report.connectionProfiles, null);
    assert.match(result.stderr, /NETWORK_NOT_CREATED/);
  });
});

// One devnet, created then stopped (port offset 29000): the states a user meets after `network down` without --purge.
describe('fhirledger network on a devnet that is stopped', () => {
  let home: string;
  const network = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'network', ...args, '--home', home], { encoding: 'utf8' });
  before(function () {
    this.timeout(180_000);
    home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-stopped-devnet-'));
    const up = network('up', '--port-offset', '29000');
    assert.equal(up.status, 0, up.stderr);
    const down = network('down');
    assert.equal(down.status, 0, down.stderr);
  });
  after(function () {
    this.timeout(60_000);
    network('down', '--purge');
    rmSync(home, { recursive: true, force: true });
  });

  it('status finishes with findings (exit 3), every node listed as not running', () => {
    const result = network('status', '--json');
    assert.equal(result.status, 3, result.stderr);
    const report = JSON.parse(result.stdout) as {
      nodes: { name: string; healthy: boolean; pid: number | null }[];
    };
    assert.ok(report.nodes.length >= 3, `${report.nodes.length} nodes`);
    assert.ok(report.nodes.every((node) => !node.healthy));
  });

  it('chaincode deploy cannot reach the peer: NETWORK_NOT_RUNNING, exit 2 like every unreachable target', () => {
    const result = network('chaincode', 'deploy', '--name', 'x', '--address', '127.0.0.1:29999');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /NETWORK_NOT_RUNNING/);
  });
});
