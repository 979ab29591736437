import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const fhirledger = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('fhirledger CLI', () => {
  it('lists the commands with --help and exits 0', () => {
    const result = fhirledger('--help');
    assert.equal(result.status, 0);
    for (const command of ['network', 'generate', 'migrate', 'gateway', 'load'])
      assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  });

  it('prints the package version with --version and exits 0', () => {
    const result = fhirledger('--version');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^fhirledger \d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with the usage on stderr and nothing on stdout when no command is given', () => {
    const result = fhirledger();
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Usage: fhirledger <command>/);
  });

  it('exits 2 with the usage for an unknown command', () => {
    const result = fhirledger('frobnicate');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });

  it('exits 2 and names the flag for an unknown flag', () => {
    const result = fhirledger('network', 'status', '--colour');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--colour/);
  });
});
