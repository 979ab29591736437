/**
 * The seeding core with the CA replaced at its process boundary (a scripted enroller: certificates are opaque text
 * here; the devnet test enrols real ones). What is asserted is the store, the files and the report.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readStoreFile, upsertPrincipal, type Principal } from './credential-store.js';
import { planSeedUsers, seedEnrollmentSecret, type SeedUser } from './seed-plan.js';
import { SeedError, seedUsers, type UserEnroller } from './users-seed.js';

const SECRET = {
  algorithm: 'scrypt',
  N: 1024,
  r: 8,
  p: 1,
  keyLength: 32,
  salt: 'c2FsdA==',
  hash: 'aGFzaA==',
} as const;

function scriptedEnroller(refuse: (user: SeedUser, call: number) => SeedError | undefined): UserEnroller & {
  enrolled: string[];
} {
  const enrolled: string[] = [];
  let calls = 0;
  return {
    mspId: 'Org1MSP',
    enrolled,
    preflight: () => Promise.resolve(),
    enroll(user) {
      calls += 1;
      const refusal = refuse(user, calls);
      if (refusal !== undefined) return Promise.reject(refusal);
      enrolled.push(user.id);
      return Promise.resolve({
        certificatePem: `cert of ${user.id}`,
        privateKeyPem: `key of ${user.id}`,
        registered: true,
      });
    },
  };
}

describe('users seed: plan', () => {
  it('names provider1..N, patient1..N (patientId patient-<n>), regulator1..N with the chaincode attributes', () => {
    const users = planSeedUsers({ providers: 2, patients: 2, regulators: 1 });
    assert.deepEqual(
      users.map((user) => [user.id, user.role, user.attributes]),
      [
        ['provider1', 'provider', { role: 'provider' }],
        ['provider2', 'provider', { role: 'provider' }],
        ['patient1', 'patient', { role: 'patient', patientId: 'patient-1' }],
        ['patient2', 'patient', { role: 'patient', patientId: 'patient-2' }],
        ['regulator1', 'regulator', { role: 'regulator' }],
      ],
    );
  });

  it('derives one enrolment secret per CA and id, which the registrar secret changes', () => {
    const secret = seedEnrollmentSecret('adminpw', 'ca-org1', 'provider1');
    assert.equal(secret, seedEnrollmentSecret('adminpw', 'ca-org1', 'provider1'));
    assert.notEqual(secret, seedEnrollmentSecret('adminpw', 'ca-org1', 'provider2'));
    assert.notEqual(secret, seedEnrollmentSecret('other', 'ca-org1', 'provider1'));
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  });
});

describe('users seed: core', () => {
  let dir: string;
  let store: string;
  const options = (users: readonly SeedUser[]) => ({
    users,
    storeFile: store,
    identitiesDir: path.join(dir, 'identities'),
    secret: SECRET,
    concurrency: 3,
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fhirledger-seed-core-'));
    store = path.join(dir, 'credentials.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every new user once, keeps them on a re-run, and reports a refused user without stopping', async () => {
    const users = planSeedUsers({ providers: 3, patients: 1, regulators: 0 });
    const refusing = scriptedEnroller((user) =>
      user.id === 'provider2'
        ? new SeedError('SEED_USER_REFUSED', 'the CA refused provider2: code 71')
        : undefined,
    );
    const first = await seedUsers(options(users), refusing);
    assert.deepEqual(
      { added: first.added, kept: first.kept, rejected: first.rejected },
      { added: 3, kept: 0, rejected: [{ id: 'provider2', reason: 'the CA refused provider2: code 71' }] },
    );
    const patient = (await readStoreFile(store)).principals.find((entry) => entry.id === 'patient1');
    assert.equal(patient?.patientId, 'patient-1');
    assert.equal(await readFile(patient.fabricIdentity.privateKeyPath, 'utf8'), 'key of patient1');
    assert.equal((await stat(patient.fabricIdentity.privateKeyPath)).mode & 0o777, 0o600);

    const again = scriptedEnroller(() => undefined);
    const second = await seedUsers(options(users), again);
    assert.deepEqual(again.enrolled, ['provider2']);
    assert.deepEqual({ added: second.added, kept: second.kept }, { added: 1, kept: 3 });
  });

  it('refuses to turn a user the store has with another role into a seeded one', async () => {
    const manual: Principal = {
      id: 'provider1',
      kind: 'user',
      role: 'regulator',
      secret: SECRET,
      fabricIdentity: { mspId: 'Org1MSP', certificatePath: '/nowhere/c', privateKeyPath: '/nowhere/k' },
    };
    await upsertPrincipal(store, manual);
    const enroller = scriptedEnroller(() => undefined);
    const report = await seedUsers(
      options(planSeedUsers({ providers: 1, patients: 0, regulators: 0 })),
      enroller,
    );
    assert.deepEqual(enroller.enrolled, []);
    assert.match(report.rejected[0]?.reason ?? '', /already has provider1 as a user with role regulator/);
    assert.equal((await readStoreFile(store)).principals[0]?.role, 'regulator');
  });

  it('when the CA goes away mid-run, stops, keeps the users enrolled so far in the store, and says so', async () => {
    const users = planSeedUsers({ providers: 10, patients: 0, regulators: 0 });
    const failing = scriptedEnroller((_user, call) =>
      call > 4
        ? new SeedError('SEED_CA_UNAVAILABLE', 'the Fabric CA at x cannot be reached (ECONNREFUSED)')
        : undefined,
    );
    await assert.rejects(
      seedUsers({ ...options(users), concurrency: 1 }, failing),
      (error: unknown) => error instanceof SeedError && error.code === 'SEED_CA_UNAVAILABLE',
    );
    assert.deepEqual(
      (await readStoreFile(store)).principals.map((entry) => entry.id),
      ['provider1', 'provider2', 'provider3', 'provider4'],
    );
  });
});
