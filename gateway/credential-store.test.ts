/** Revoking a principal: the store loses exactly that entry, stays 0600, and a second revoke says it was absent. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readStoreFile, removePrincipal, upsertPrincipals, type Principal } from './credential-store.js';

const principal = (id: string): Principal => ({
  id,
  kind: 'user',
  role: 'patient',
  patientId: `p-${id}`,
  secret: { algorithm: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32, salt: 'c2FsdA==', hash: 'aGFzaA==' },
  fabricIdentity: {
    mspId: 'Org1MSP',
    certificatePath: `/ids/${id}/cert.pem`,
    privateKeyPath: `/ids/${id}/key.pem`,
  },
});

describe('credential store: removePrincipal', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fhirledger-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes one principal, keeps the others and the 0600 mode, and reports an absent id', async () => {
    const file = path.join(dir, 'credentials.json');
    await upsertPrincipals(file, [principal('alice'), principal('bob'), principal('carol')]);
    assert.equal(await removePrincipal(file, 'bob'), true);
    assert.deepEqual(
      (await readStoreFile(file)).principals.map((entry) => entry.id),
      ['alice', 'carol'],
    );
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await removePrincipal(file, 'bob'), false);
    assert.equal((await readStoreFile(file)).principals.length, 2);
  });
});
