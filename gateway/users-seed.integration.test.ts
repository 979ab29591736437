/**
 * `fhirledger users seed` against a live fabric-devnet (port offset 32000), through the CLI as a user runs it: the
 * seeded identities come from the devnet's Fabric CA, the EHR chaincode reads role and patientId from their
 * certificates (a patient reads its own Patient and is refused another's), a provider logs in to the gateway with
 * the seeded password and creates a record; re-runs keep what is there; bad input and a CA that is down fail clearly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LedgerError, LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
import { readCertificateAttributes } from '../network/msp/cert-issuer.js';
import { CLI, runCli, TestDevnet, waitForHttp } from '../network/test/devnet.testkit.js';
import { readStoreFile, type Principal } from './credential-store.js';

const PASSWORD = 'seeded-users-pw';

interface SeedSummary {
  requested: number;
  added: number;
  reenrolled: number;
  kept: number;
  rejected: number;
  usersPerSecond: number | null;
}

describe('users seed on a live devnet', function () {
  this.timeout(180_000);
  const devnet = new TestDevnet(32000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-seed-test-'));
  const store = path.join(work, 'credentials.json');
  const profile = path.join(devnet.home, 'fhirledger-connection.json');

  const seed = (args: readonly string[], env: NodeJS.ProcessEnv = { FHIRLEDGER_USER_PASSWORD: PASSWORD }) =>
    runCli(['users', 'seed', '--home', devnet.home, '--store', store, ...args], env);
  const summaryOf = (stdout: string) => JSON.parse(stdout) as SeedSummary;
  const principal = async (id: string): Promise<Principal> => {
    const found = (await readStoreFile(store)).principals.find((entry) => entry.id === id);
    assert.ok(found, `${id} in the store`);
    return found;
  };

  before(() => {
    const up = devnet.up();
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
  });

  after(() => {
    devnet.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('enrols providers, patients and regulators from the CA with role and patientId in their certificates', async () => {
    const result = seed(['--providers', '2', '--patients', '2', '--regulators', '1']);
    assert.equal(result.status, 0, result.stderr);
    const summary = summaryOf(result.stdout);
    assert.deepEqual(
      { requested: summary.requested, added: summary.added, kept: summary.kept, rejected: summary.rejected },
      { requested: 5, added: 5, kept: 0, rejected: 0 },
    );
    assert.ok(summary.usersPerSecond !== null && summary.usersPerSecond > 0);
    assert.match(result.stderr, /5 added .* users\/s/);
    assert.equal(statSync(store).mode & 0o777, 0o600);
    const patient = await principal('patient2');
    assert.equal(patient.role, 'patient');
    assert.equal(patient.patientId, 'patient-2');
    assert.equal(statSync(patient.fabricIdentity.privateKeyPath).mode & 0o777, 0o600);
    const attributes = readCertificateAttributes(
      readFileSync(patient.fabricIdentity.certificatePath, 'utf8'),
    );
    assert.equal(attributes.role, 'patient');
    assert.equal(attributes.patientId, 'patient-2');
    assert.equal(attributes['hf.EnrollmentID'], 'patient2');
    const regulator = readFileSync((await principal('regulator1')).fabricIdentity.certificatePath, 'utf8');
    assert.equal(readCertificateAttributes(regulator).role, 'regulator');
    // One hash of the one seed password: the same salt for every seeded user (gateway/README.md says why).
    assert.deepEqual((await principal('provider1')).secret, patient.secret);
  });

  it('a seeded patient reads its own Patient on the ledger and the chaincode refuses it another patient', async () => {
    const session = new LedgerSession(loadConnectionProfile(profile));
    try {
      const provider = session.ledgerFor((await principal('provider1')).fabricIdentity);
      for (const id of ['patient-1', 'patient-2']) {
        await provider.createRecord({ resourceType: 'Patient', id, name: [{ family: id }] });
      }
      const patient1 = session.ledgerFor((await principal('patient1')).fabricIdentity);
      const own = await patient1.readRecord('Patient', 'patient-1');
      assert.deepEqual((own.resource as { name?: unknown }).name, [{ family: 'patient-1' }]);
      await assert.rejects(
        patient1.readRecord('Patient', 'patient-2'),
        (error: unknown) => error instanceof LedgerError && error.code === 'CC_ERR_FORBIDDEN',
      );
    } finally {
      session.close();
    }
  });

  it('a seeded provider logs in to the gateway with the seed password and creates a record', async () => {
    const port = devnet.port(8080);
    const gateway = spawn(
      process.execPath,
      [CLI, 'gateway', '--connection-profile', profile, '--credentials-store', store, '--port', String(port)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${base}/readyz`);
      const login = (password: string) =>
        fetch(`${base}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=password&username=provider2&password=${password}`,
        });
      assert.equal((await login('not-the-password')).status, 401);
      const token = (await (await login(PASSWORD)).json()) as { access_token: string };
      const created = await fetch(`${base}/fhir/Patient`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Seeded' }] }),
      });
      assert.equal(created.status, 201, await created.text());
      assert.match(created.headers.get('x-fabric-tx-id') ?? '', /^[0-9a-f]{64}$/);
    } finally {
      gateway.kill('SIGTERM');
    }
  });

  it('re-running keeps existing users; larger counts add only the missing; a lost store re-enrols', async () => {
    const certificate = readFileSync((await principal('provider1')).fabricIdentity.certificatePath, 'utf8');
    const same = seed(['--providers', '2', '--patients', '2', '--regulators', '1']);
    assert.equal(same.status, 0, same.stderr);
    assert.deepEqual(pick(summaryOf(same.stdout)), { added: 0, reenrolled: 0, kept: 5, rejected: 0 });
    const bigger = seed(['--providers', '3', '--patients', '2', '--regulators', '1']);
    assert.equal(bigger.status, 0, bigger.stderr);
    assert.deepEqual(pick(summaryOf(bigger.stdout)), { added: 1, reenrolled: 0, kept: 5, rejected: 0 });
    assert.equal(
      readFileSync((await principal('provider1')).fabricIdentity.certificatePath, 'utf8'),
      certificate,
    );
    // The CA still knows them (already registered): enrolled again with their derived secret, never a failure;
    // the key left behind is replaced and made private again.
    const oldKey = (await principal('provider3')).fabricIdentity.privateKeyPath;
    chmodSync(oldKey, 0o644);
    rmSync(store);
    const again = seed(['--providers', '3']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(pick(summaryOf(again.stdout)), { added: 3, reenrolled: 3, kept: 0, rejected: 0 });
    assert.equal(statSync(oldKey).mode & 0o777, 0o600);
  });

  it('--help in a process of its own prints our help (fabric-common would answer --help itself when loaded)', () => {
    const help = runCli(['users', 'seed', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: fhirledger users seed --patients N --providers N --regulators N/);
    assert.match(help.stdout, /--registrar-secret S/);
  });

  it('refuses bad input with exit 2 and a message naming it', () => {
    const negative = seed(['--patients=-1']);
    assert.equal(negative.status, 2);
    assert.match(negative.stderr, /--patients "-1" is not a whole number from 0 to 100000/);
    const noPassword = seed(['--providers', '1'], { FHIRLEDGER_USER_PASSWORD: '' });
    assert.equal(noPassword.status, 2);
    assert.match(noPassword.stderr, /set FHIRLEDGER_USER_PASSWORD/);
    const noDevnet = runCli(['users', 'seed', '--providers', '1', '--home', path.join(work, 'nothing')], {
      FHIRLEDGER_USER_PASSWORD: PASSWORD,
    });
    assert.equal(noDevnet.status, 2);
    assert.match(noDevnet.stderr, /no devnet in .*nothing.*\[SEED_CA_CONFIG\]/);
    const tlsRoot = path.join(
      devnet.home,
      'organizations/peerOrganizations/org1.example.com/tlsca/tlsca.org1.example.com-cert.pem',
    );
    const missingTlsRoot = runCli(
      [
        'users',
        'seed',
        '--providers',
        '1',
        '--store',
        store,
        '--ca-url',
        `https://127.0.0.1:${devnet.port(7054)}`,
      ],
      { FHIRLEDGER_USER_PASSWORD: PASSWORD, FHIRLEDGER_CA_REGISTRAR_SECRET: 'not-adminpw' },
    );
    assert.equal(missingTlsRoot.status, 2);
    assert.match(missingTlsRoot.stderr, /--tls-root is required with --ca-url/);
    const refused = runCli(
      [
        'users',
        'seed',
        '--providers',
        '4',
        '--store',
        store,
        '--ca-url',
        `https://127.0.0.1:${devnet.port(7054)}`,
        '--tls-root',
        tlsRoot,
        '--registrar-id',
        'admin',
      ],
      { FHIRLEDGER_USER_PASSWORD: PASSWORD, FHIRLEDGER_CA_REGISTRAR_SECRET: 'not-adminpw' },
    );
    assert.equal(refused.status, 2);
    assert.match(
      refused.stderr,
      /refused registrar "admin": code 20 Authentication failure.*\[SEED_REGISTRAR_REFUSED\]/,
    );
  });

  it('says the CA cannot be reached when it is down (exit 2, as every command answers a target it cannot reach)', () => {
    assert.equal(devnet.network('kill', 'ca.org1.example.com').status, 0);
    const result = seed(['--providers', '5']);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      new RegExp(`Fabric CA at https://127.0.0.1:${devnet.port(7054)} cannot be reached \\(ECONNREFUSED\\)`),
    );
    assert.match(result.stderr, /\[SEED_CA_UNAVAILABLE\]/);
  });
});

function pick({ added, reenrolled, kept, rejected }: SeedSummary) {
  return { added, reenrolled, kept, rejected };
}
