import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConnectionProfile, readIdentityCredentials } from './connection-profile.js';
import { LedgerSession } from './ledger-session.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function profileDir(profile: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-profile-'));
  writeFileSync(path.join(dir, 'tls-ca.pem'), PEM);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path.join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(path.join(dir, 'cert.pem'), PEM);
  writeFileSync(path.join(dir, 'connection.json'), JSON.stringify(profile));
  return dir;
}

const VALID = {
  peers: [{ address: '127.0.0.1:7051', tlsRootCertFile: 'tls-ca.pem', hostAlias: 'peer0.org1' }],
  identities: { migrator: { mspId: 'Org1MSP', certificateFile: 'cert.pem', privateKeyFile: 'key.pem' } },
};

describe('loadConnectionProfile', () => {
  it('resolves paths against the profile folder and defaults channel and chaincode', () => {
    const dir = profileDir(VALID);
    const profile = loadConnectionProfile(path.join(dir, 'connection.json'));
    assert.equal(profile.channel, 'ehrchannel');
    assert.equal(profile.chaincode, 'ehr');
    const peer = profile.peers[0];
    assert.ok(peer);
    assert.equal(peer.address, '127.0.0.1:7051');
    assert.equal(peer.hostAlias, 'peer0.org1');
    assert.equal(peer.tlsRootCertPem, PEM);
    assert.equal(profile.identities.migrator?.privateKeyPath, path.join(dir, 'key.pem'));
    assert.ok(Object.isFrozen(profile));
  });

  it('names the file and field of a bad peer address', () => {
    const dir = profileDir({ ...VALID, peers: [{ address: 'peer0', tlsRootCertFile: 'tls-ca.pem' }] });
    assert.throws(() => loadConnectionProfile(path.join(dir, 'connection.json')), {
      name: 'ConnectionProfileError',
      code: 'CONNECTION_PROFILE_INVALID',
      message: `connection profile ${path.join(dir, 'connection.json')}: peers[0].address must be host:port, got "peer0"`,
    });
  });

  it('refuses a TLS root that is not PEM and a missing one', () => {
    const dir = profileDir({
      ...VALID,
      peers: [{ address: '127.0.0.1:7051', tlsRootCertFile: 'connection.json' }],
    });
    assert.throws(
      () => loadConnectionProfile(path.join(dir, 'connection.json')),
      /peers\[0\]\.tlsRootCertFile: .* is not a PEM file/,
    );
    const dir2 = profileDir({
      ...VALID,
      peers: [{ address: '127.0.0.1:7051', tlsRootCertFile: 'nope.pem' }],
    });
    assert.throws(
      () => loadConnectionProfile(path.join(dir2, 'connection.json')),
      /cannot read .*nope\.pem \(ENOENT\)/,
    );
  });

  it('refuses a file that is not JSON', () => {
    const dir = profileDir(VALID);
    writeFileSync(path.join(dir, 'connection.json'), '{peers:');
    assert.throws(() => loadConnectionProfile(path.join(dir, 'connection.json')), /cannot be read as JSON/);
  });
});

describe('readIdentityCredentials', () => {
  it('refuses a private key others can read', () => {
    const dir = profileDir(VALID);
    const identity = loadConnectionProfile(path.join(dir, 'connection.json')).identities.migrator;
    assert.ok(identity);
    assert.equal(readIdentityCredentials(identity).mspId, 'Org1MSP');
    chmodSync(identity.privateKeyPath, 0o644);
    assert.throws(
      () => readIdentityCredentials(identity),
      /readable by group or others \(mode 644\); chmod 600 it/,
    );
  });
});

describe('LedgerSession', () => {
  it('gives one ledger per identity and reuses it, without dialling until a call is made', () => {
    const dir = profileDir(VALID);
    const session = new LedgerSession(loadConnectionProfile(path.join(dir, 'connection.json')));
    try {
      const first = session.ledgerForNamed('migrator');
      assert.equal(session.ledgerForNamed('migrator'), first);
      assert.throws(
        () => session.ledgerForNamed('auditor'),
        /names no identity "auditor" \(it has: migrator\)/,
      );
    } finally {
      session.close();
    }
  });
});
