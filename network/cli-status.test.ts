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
