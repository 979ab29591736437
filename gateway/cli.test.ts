import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as runGateway } from './cli.js';
import { loadCredentialStore, CredentialStoreError } from './credential-store.js';
import { run as runUsers } from './users-cli.js';

async function captured(
  work: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string) => out.push(chunk) > 0;
  process.stderr.write = (chunk: string) => err.push(chunk) > 0;
  try {
    return { code: await work(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
}

describe('fhirledger gateway / users commands', () => {
  it('gateway --help prints the options with their env names and exits 0', async () => {
    const result = await captured(() => runGateway(['--help']));
    assert.equal(result.code, 0);
    assert.match(result.stdout, /--max-in-flight N/);
    assert.match(result.stdout, /FHIRLEDGER_GATEWAY_CONNECTION_PROFILE/);
  });

  it('gateway refuses to start without a Fabric connection profile (exit 2, clear message)', async () => {
    const saved = process.env.FHIRLEDGER_GATEWAY_CONNECTION_PROFILE;
    delete process.env.FHIRLEDGER_GATEWAY_CONNECTION_PROFILE;
    try {
      const result = await captured(() => runGateway(['--port', '0', '--log-level', 'silent']));
      assert.equal(result.code, 2);
      assert.match(result.stderr, /LEDGER_UNAVAILABLE: no Fabric connection profile configured/);
      const wired = await captured(() =>
        runGateway(['--port', '0', '--log-level', 'silent', '--connection-profile', 'x.yaml']),
      );
      assert.equal(wired.code, 2);
      assert.match(wired.stderr, /connection profile .*x\.yaml: cannot be read as JSON/);
    } finally {
      if (saved !== undefined) process.env.FHIRLEDGER_GATEWAY_CONNECTION_PROFILE = saved;
    }
  });

  it('gateway: an unknown flag or a bad value is exit 2 naming the flag', async () => {
    assert.equal((await captured(() => runGateway(['--bogus']))).code, 2);
    const bad = await captured(() => runGateway(['--max-in-flight', 'lots']));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-in-flight "lots" is not a whole number from 1 to 100000/);
  });

  it('users add writes a 0600 store the gateway loads, and replaces an entry on re-run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gw-users-'));
    const store = path.join(dir, 'credentials.json');
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await writeFile(cert, '-----BEGIN CERTIFICATE-----\n');
    await writeFile(key, '-----BEGIN PRIVATE KEY-----\n');
    process.env.GW_TEST_SECRET = 'correct horse battery';
    try {
      const missingKey = await captured(() =>
        runUsers([
          'add',
          '--store',
          store,
          '--user',
          'pat.dan',
          '--role',
          'provider',
          '--cert',
          cert,
          '--key',
          `${key}.gone`,
        ]),
      );
      assert.equal(missingKey.code, 2);
      assert.match(
        missingKey.stderr,
        /identity private key .*key\.pem\.gone \(--key\) cannot be read: ENOENT/,
      );
      const args = [
        'add',
        '--cert',
        cert,
        '--key',
        key,
        '--store',
        store,
        '--user',
        'pat.dan',
        '--role',
        'patient',
        '--patient-id',
        'p-dan',
        '--password-env',
        'GW_TEST_SECRET',
      ];
      const first = await captured(() => runUsers(args));
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /"result":"added"/);
      assert.equal((await stat(store)).mode & 0o777, 0o600);
      const second = await captured(() => runUsers(args));
      assert.match(second.stdout, /"result":"replaced"/);
      const loaded = await loadCredentialStore(store);
      assert.equal(loaded.size, 1);
      assert.equal(loaded.find('pat.dan')?.patientId, 'p-dan');
      assert.ok(await loaded.authenticate('user', 'pat.dan', 'correct horse battery'));
      assert.equal(await loaded.authenticate('user', 'pat.dan', 'wrong'), undefined);
      assert.doesNotMatch(await readFile(store, 'utf8'), /correct horse/);
      await chmod(store, 0o644);
      await assert.rejects(
        loadCredentialStore(store),
        (error: unknown) => error instanceof CredentialStoreError && /expected 600/.test(error.message),
      );
    } finally {
      delete process.env.GW_TEST_SECRET;
    }
  });

  it('users add: a patient without --patient-id and an unknown role are exit 2; seed without counts is exit 2', async () => {
    const noPatient = await captured(() => runUsers(['add', '--user', 'x', '--role', 'patient']));
    assert.equal(noPatient.code, 2);
    assert.match(noPatient.stderr, /--patient-id is required/);
    const badRole = await captured(() => runUsers(['add', '--user', 'x', '--role', 'admin']));
    assert.equal(badRole.code, 2);
    const seed = await captured(() => runUsers(['seed']));
    assert.equal(seed.code, 2);
    assert.match(seed.stderr, /nothing to seed: give --providers, --patients and\/or --regulators/);
    const seedHelp = await captured(() => runUsers(['seed', '--help']));
    assert.equal(seedHelp.code, 0);
    assert.match(seedHelp.stdout, /Usage: fhirledger users seed/);
    assert.doesNotMatch(seedHelp.stdout, /--patient-id/);
    const addHelp = await captured(() => runUsers(['add', '--help']));
    assert.match(addHelp.stdout, /Usage: fhirledger users add/);
  });
});
