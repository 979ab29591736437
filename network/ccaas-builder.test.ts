import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ChaincodePackageError,
  chaincodePackageBytes,
  packageIdOf,
  writeCcaasBuilder,
  writeChaincodePackage,
} from './ccaas-builder.js';

const CONNECTION = '{"address":"127.0.0.1:7100","dial_timeout":"10s","tls_required":false}';

describe('ccaas external builder and package', () => {
  let work: string;
  let bin: string;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-ccaas-'));
    await writeCcaasBuilder(path.join(work, 'builder'));
    bin = path.join(work, 'builder', 'bin');
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs a builder script the way the peer does: a minimal environment and positional folders. */
  function runScript(name: string, args: string[]) {
    return spawnSync(path.join(bin, name), args, {
      env: { PATH: '/usr/bin:/bin', TMPDIR: os.tmpdir() },
      encoding: 'utf8',
    });
  }

  function dirWith(name: string, files: Record<string, string>): string {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  it('writes three executable scripts', () => {
    for (const name of ['detect', 'build', 'release']) {
      assert.equal(statSync(path.join(bin, name)).mode & 0o777, 0o755, name);
    }
  });

  it('detect exits 0 for ccaas metadata and non-zero for another type or no metadata', () => {
    const source = dirWith('detect-src', {});
    const ccaas = dirWith('detect-ccaas', { 'metadata.json': '{"type": "ccaas", "label": "ehr_1"}' });
    const node = dirWith('detect-node', { 'metadata.json': '{"type":"node","label":"ehr_1"}' });
    const empty = dirWith('detect-empty', {});
    assert.equal(runScript('detect', [source, ccaas]).status, 0);
    assert.notEqual(runScript('detect', [source, node]).status, 0);
    assert.notEqual(runScript('detect', [source, empty]).status, 0);
  });

  it('build copies connection.json and META-INF; fails with a message when connection.json is missing', () => {
    const source = dirWith('build-src', {
      'connection.json': CONNECTION,
      'META-INF/statedb/README': 'indexes',
    });
    const output = dirWith('build-out', {});
    const ok = runScript('build', [source, dirWith('build-meta', {}), output]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readFileSync(path.join(output, 'connection.json'), 'utf8'), CONNECTION);
    assert.equal(readFileSync(path.join(output, 'META-INF/statedb/README'), 'utf8'), 'indexes');

    const bad = runScript('build', [dirWith('build-src-empty', {}), dirWith('build-meta2', {}), output]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /connection\.json not found in the chaincode package/);
  });

  it('release puts connection.json under RELEASE/chaincode/server/', () => {
    const build = dirWith('release-build', { 'connection.json': CONNECTION });
    const release = dirWith('release-out', {});
    const result = runScript('release', [build, release]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(path.join(release, 'chaincode/server/connection.json'), 'utf8'), CONNECTION);
  });

  it('the package is a tgz of metadata.json and code.tar.gz with connection.json, readable by the system tar', async () => {
    const pkg = await writeChaincodePackage(path.join(work, 'pkg', 'ehr.tgz'), 'ehr_1.0', {
      address: '127.0.0.1:7100',
    });
    const outer = dirWith('unpacked', {});
    assert.equal(spawnSync('tar', ['-xzf', pkg.file, '-C', outer]).status, 0);
    assert.deepEqual(JSON.parse(readFileSync(path.join(outer, 'metadata.json'), 'utf8')), {
      type: 'ccaas',
      label: 'ehr_1.0',
    });
    const list = spawnSync('tar', ['-tzf', path.join(outer, 'code.tar.gz')], { encoding: 'utf8' });
    assert.equal(list.stdout, 'connection.json\n');
    assert.equal(spawnSync('tar', ['-xzf', path.join(outer, 'code.tar.gz'), '-C', outer]).status, 0);
    assert.equal(readFileSync(path.join(outer, 'connection.json'), 'utf8'), CONNECTION);

    // The package id is the label plus the hash of exactly the bytes written.
    assert.equal(pkg.packageId, packageIdOf('ehr_1.0', readFileSync(pkg.file)));
    assert.match(pkg.packageId, /^ehr_1\.0:[0-9a-f]{64}$/);
  });

  it('the same label and address give the same bytes (so every peer computes the same package id)', () => {
    const a = chaincodePackageBytes('ehr', { address: '127.0.0.1:7100' });
    const b = chaincodePackageBytes('ehr', { address: '127.0.0.1:7100' });
    const c = chaincodePackageBytes('ehr', { address: '127.0.0.1:7101' });
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
  });

  it('the detect script accepts the metadata.json the package writer produces', async () => {
    const pkg = await writeChaincodePackage(path.join(work, 'pkg2', 'ehr.tgz'), 'ehr', {
      address: '127.0.0.1:1',
    });
    const meta = dirWith('meta-from-package', {});
    assert.equal(spawnSync('tar', ['-xzf', pkg.file, '-C', meta, 'metadata.json']).status, 0);
    assert.equal(runScript('detect', [meta, meta]).status, 0);
  });

  it('refuses a label Fabric would refuse', () => {
    assert.throws(() => chaincodePackageBytes('-ehr', { address: '127.0.0.1:7100' }), {
      name: ChaincodePackageError.name,
      code: 'CHAINCODE_BAD_LABEL',
      message: /chaincode label "-ehr" is not allowed/,
    });
  });
});
