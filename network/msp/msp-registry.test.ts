import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCa, issueCertificate, type SigningCa } from './cert-issuer.js';
import { identityPaths, orgPaths, writeOrgCrypto, type OrgSpec } from './crypto-layout.js';
import { signLowS } from './ecdsa.js';
import { generateP256KeyPair } from './keys.js';
import { loadMspDefinition, MspRegistry } from './msp-registry.js';
import { loadSigningIdentity, serializeIdentity } from './signing-identity.js';
import { MspError } from './types.js';
import { loadSigningCa } from './cert-issuer.js';

const ORG1: OrgSpec = {
  kind: 'peer',
  domain: 'org1.example.com',
  mspId: 'Org1MSP',
  nodes: ['peer0'],
  users: ['Admin', 'User1'],
};
const ORDERER: OrgSpec = {
  kind: 'orderer',
  domain: 'example.com',
  mspId: 'OrdererMSP',
  nodes: ['orderer'],
  users: ['Admin'],
};

function assertMspError(fn: () => unknown, reason: MspError['reason'], message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MspError, `expected MspError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.match(err.message, message);
    return true;
  });
}

describe('msp/crypto-layout + msp-registry + signing-identity', () => {
  let home: string;
  let registry: MspRegistry;
  let org1Ca: SigningCa;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'msp-registry-'));
    const started = performance.now();
    await Promise.all([writeOrgCrypto(home, ORG1), writeOrgCrypto(home, ORDERER)]);
    const elapsed = performance.now() - started;
    // The dev profile's crypto must be quick to make (the CLI regenerates it on `network up --clean`).
    assert.ok(elapsed < 2000, `dev profile crypto took ${elapsed.toFixed(0)} ms`);
    registry = new MspRegistry(
      await Promise.all([
        loadMspDefinition('Org1MSP', orgPaths(home, ORG1).mspDir),
        loadMspDefinition('OrdererMSP', orgPaths(home, ORDERER).mspDir),
      ]),
    );
    const p = orgPaths(home, ORG1);
    org1Ca = await loadSigningCa(await readFile(p.caCert, 'utf8'), await readFile(p.caKey, 'utf8'));
  });

  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes cryptogen file names, NodeOUs config.yaml and 0600 keys', async () => {
    const user = identityPaths(home, ORG1, { user: 'User1' });
    assert.match(
      user.signcert,
      /users\/User1@org1\.example\.com\/msp\/signcerts\/User1@org1\.example\.com-cert\.pem$/,
    );
    assert.equal((await stat(user.privateKey)).mode & 0o777, 0o600);
    assert.match(await readFile(user.privateKey, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const config = await readFile(user.configYaml, 'utf8');
    assert.match(
      config,
      /NodeOUs:\n {2}Enable: true\n {2}ClientOUIdentifier:\n {4}Certificate: cacerts\/ca\.org1\.example\.com-cert\.pem\n {4}OrganizationalUnitIdentifier: client\n/,
    );
    const peer = identityPaths(home, ORG1, { node: 'peer0' });
    assert.match(peer.tlsCert, /peers\/peer0\.org1\.example\.com\/tls\/server\.crt$/);
    const orderer = identityPaths(home, ORDERER, { node: 'orderer' });
    assert.match(
      orderer.signcert,
      /ordererOrganizations\/example\.com\/orderers\/orderer\.example\.com\/msp\/signcerts\//,
    );
  });

  it('accepts User1, Admin, peer0 and the orderer with their NodeOU roles, and verifies their low-S signatures', async () => {
    const cases = [
      [ORG1, { user: 'User1' }, 'client'],
      [ORG1, { user: 'Admin' }, 'admin'],
      [ORG1, { node: 'peer0' }, 'peer'],
      [ORDERER, { node: 'orderer' }, 'orderer'],
    ] as const;
    for (const [org, who, role] of cases) {
      const signer = await loadSigningIdentity(org.mspId, identityPaths(home, org, who).mspDir);
      const identity = registry.validate(signer.serialized);
      assert.equal(identity.mspId, org.mspId);
      assert.equal(identity.role, role);
      const message = Buffer.from('signed proposal');
      assert.equal(identity.verify(message, signer.sign(message)), true);
      assert.equal(identity.verify(Buffer.from('other'), signer.sign(message)), false);
    }
  });

  it('returns the cached identity for the same bytes', async () => {
    const signer = await loadSigningIdentity('Org1MSP', identityPaths(home, ORG1, { user: 'User1' }).mspDir);
    assert.equal(registry.validate(signer.serialized), registry.validate(Buffer.from(signer.serialized)));
  });

  it('refuses an Org1 certificate claimed by OrdererMSP and a certificate from another CA (UNTRUSTED_CHAIN)', async () => {
    const pem = await readFile(identityPaths(home, ORG1, { user: 'User1' }).signcert, 'utf8');
    assertMspError(
      () => registry.validate(serializeIdentity('OrdererMSP', pem)),
      'UNTRUSTED_CHAIN',
      /certificate signed by unknown authority/,
    );
    const rogueKeys = generateP256KeyPair();
    const rogue = await createRootCa(
      { organization: 'org1.example.com', commonName: 'ca.org1.example.com' },
      rogueKeys,
    );
    const leafKeys = generateP256KeyPair();
    const forged = await issueCertificate(rogue, {
      subject: { organizationalUnits: ['client'], commonName: 'User1@org1.example.com' },
      publicKey: leafKeys.publicKey,
      profile: { kind: 'signing' },
    });
    assertMspError(
      () => registry.validate(serializeIdentity('Org1MSP', forged)),
      'UNTRUSTED_CHAIN',
      /^could not obtain certification chain: the supplied identity is not valid: x509: certificate signed by unknown authority$/,
    );
  });

  it('refuses a CA certificate used as an identity', () => {
    assertMspError(
      () => registry.validate(serializeIdentity('Org1MSP', org1Ca.certificatePem)),
      'UNTRUSTED_CHAIN',
      /Certificate Authority equals true cannot be used as an identity/,
    );
  });

  it('refuses an unknown MSP and malformed bytes', async () => {
    const pem = await readFile(identityPaths(home, ORG1, { user: 'User1' }).signcert, 'utf8');
    assertMspError(
      () => registry.validate(serializeIdentity('Org9MSP', pem)),
      'UNKNOWN_MSP',
      /^MSP Org9MSP is unknown$/,
    );
    assertMspError(
      () => registry.validate(serializeIdentity('Org1MSP', 'not a pem')),
      'MALFORMED',
      /could not decode pem bytes/,
    );
    assertMspError(
      () => registry.validate(Buffer.from([0xff, 0xff, 0xff])),
      'MALFORMED',
      /could not deserialize a SerializedIdentity/,
    );
  });

  it('refuses an expired certificate, and a cached identity once it has expired', async () => {
    const keys = generateP256KeyPair();
    const expired = await issueCertificate(org1Ca, {
      subject: { organizationalUnits: ['client'], commonName: 'old' },
      publicKey: keys.publicKey,
      profile: { kind: 'signing' },
      // Inside the CA's own validity (backdated 5 min) but already over.
      notBefore: org1Ca.notBefore,
      notAfter: new Date(org1Ca.notBefore.getTime() + 60_000),
    });
    assertMspError(
      () => registry.validate(serializeIdentity('Org1MSP', expired)),
      'EXPIRED',
      /certificate has expired or is not yet valid/,
    );

    let now = new Date();
    const clocked = new MspRegistry([await loadMspDefinition('Org1MSP', orgPaths(home, ORG1).mspDir)], {
      now: () => now,
    });
    const signer = await loadSigningIdentity('Org1MSP', identityPaths(home, ORG1, { user: 'User1' }).mspDir);
    clocked.validate(signer.serialized);
    now = new Date(Date.now() + 20 * 365 * 86_400_000);
    assertMspError(() => clocked.validate(signer.serialized), 'EXPIRED', /expired/);
  });

  it('refuses certificates with no NodeOU and with two NodeOUs (BAD_NODE_OU)', async () => {
    for (const ous of [[], ['org1'], ['client', 'admin']]) {
      const keys = generateP256KeyPair();
      const pem = await issueCertificate(org1Ca, {
        subject: { organizationalUnits: ous, commonName: 'someone' },
        publicKey: keys.publicKey,
        profile: { kind: 'signing' },
      });
      assertMspError(
        () => registry.validate(serializeIdentity('Org1MSP', pem)),
        'BAD_NODE_OU',
        /the identity must be a client, a peer, an orderer or an admin identity to be valid, not a combination of them\. OUs: \[.*\], MSP: \[Org1MSP\]/,
      );
    }
    // A NodeOU next to affiliation OUs (what fabric-ca issues) is one NodeOU.
    const keys = generateP256KeyPair();
    const pem = await issueCertificate(org1Ca, {
      subject: { organizationalUnits: ['client', 'org1', 'department1'], commonName: 'user9' },
      publicKey: keys.publicKey,
      profile: { kind: 'enrollment', attributes: { role: 'provider' } },
    });
    assert.equal(registry.validate(serializeIdentity('Org1MSP', pem)).role, 'client');
  });

  it('never issues a leaf that starts before its CA (Fabric judges the chain at the leaf notBefore + 1 s)', async () => {
    const caKeys = generateP256KeyPair();
    // A CA whose validity starts now, later than the 5-minute backdate a leaf would otherwise get.
    const young = await createRootCa({ commonName: 'ca.young.example.com' }, caKeys, {
      notBefore: new Date(),
    });
    const leafKeys = generateP256KeyPair();
    const pem = await issueCertificate(young, {
      subject: { organizationalUnits: ['client'], commonName: 'u' },
      publicKey: leafKeys.publicKey,
      profile: { kind: 'signing' },
    });
    const youngRegistry = new MspRegistry([
      { mspId: 'YoungMSP', rootCertsPem: [young.certificatePem], nodeOUs: true },
    ]);
    assert.equal(youngRegistry.validate(serializeIdentity('YoungMSP', pem)).role, 'client');
  });

  it('refuses a signature whose S is high although the key and message match', async () => {
    const signer = await loadSigningIdentity('Org1MSP', identityPaths(home, ORG1, { user: 'User1' }).mspDir);
    const identity = registry.validate(signer.serialized);
    const message = Buffer.from('m');
    const key = await readFile(identityPaths(home, ORG1, { user: 'User1' }).privateKey, 'utf8');
    const { encodeDerSignature, parseDerSignature, P256_ORDER } = await import('./ecdsa.js');
    const parsed = parseDerSignature(signLowS(key, message));
    assert.ok(parsed);
    assert.equal(identity.verify(message, encodeDerSignature(parsed.r, P256_ORDER - parsed.s)), false);
  });

  it('refuses a keystore key that does not match the certificate', async () => {
    const { signingIdentityFromPem } = await import('./signing-identity.js');
    const user = identityPaths(home, ORG1, { user: 'User1' });
    const admin = identityPaths(home, ORG1, { user: 'Admin' });
    assert.throws(
      () =>
        signingIdentityFromPem(
          'Org1MSP',
          readFileSyncUtf8(user.signcert),
          readFileSyncUtf8(admin.privateKey),
        ),
      /private key does not belong to the certificate/,
    );
  });
});

import { readFileSync } from 'node:fs';
function readFileSyncUtf8(file: string): string {
  return readFileSync(file, 'utf8');
}
