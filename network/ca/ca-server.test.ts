/**
 * The devnet CA driven by the real fabric-ca-client 2.2.20 over HTTPS (trustedRoots = the org's TLS CA, verify on),
 * the issued certificates checked with the devnet's own MSP registry.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import FabricCAServices from 'fabric-ca-client';
import fabricCommon from 'fabric-common';
import { readCertificateAttributes } from '../msp/cert-issuer.js';
import { orgPaths, writeOrgCrypto, type OrgSpec } from '../msp/crypto-layout.js';
import { loadMspDefinition, MspRegistry, subjectOrganizationalUnits } from '../msp/msp-registry.js';
import { serializeIdentity } from '../msp/signing-identity.js';
import { resolveCaConfig, type CaConfig } from './ca-config.js';
import { startCaServer, type RunningCaServer } from './ca-server.js';

const { User } = fabricCommon;
type FabricUser = InstanceType<typeof User>;

const ORG1: OrgSpec = {
  kind: 'peer',
  domain: 'org1.example.com',
  mspId: 'Org1MSP',
  nodes: ['peer0'],
  users: [],
};

function healthz(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    }).on('error', reject);
  });
}

async function rejectsWithCaError(promise: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof Error);
    const errors = (err as Error & { errors?: { code: number; message: string }[] }).errors;
    assert.equal(errors?.[0]?.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

describe('network/ca with fabric-ca-client 2.2.20', function () {
  this.timeout(60_000);
  let home: string;
  let config: CaConfig;
  let server: RunningCaServer;
  let tlsRoot: string;
  let registry: MspRegistry;

  const client = (): FabricCAServices =>
    new FabricCAServices(server.url, { trustedRoots: [tlsRoot], verify: true }, 'ca-org1');

  async function enrollUser(id: string, secret: string): Promise<FabricUser> {
    const enrollment = await client().enroll({ enrollmentID: id, enrollmentSecret: secret });
    return User.createUser(id, secret, 'Org1MSP', enrollment.certificate, enrollment.key.toBytes());
  }

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'devnet-ca-'));
    await writeOrgCrypto(home, ORG1);
    const paths = orgPaths(home, ORG1);
    tlsRoot = await readFile(paths.tlsCaCert, 'utf8');
    config = resolveCaConfig({
      home: join(home, 'fabric-ca', 'org1'),
      caCertFile: paths.caCert,
      caKeyFile: paths.caKey,
      tls: { certFile: paths.caServerTlsCert, keyFile: paths.caServerTlsKey },
      port: 0,
      operationsPort: 0,
    });
    server = await startCaServer(config);
    registry = new MspRegistry([await loadMspDefinition('Org1MSP', paths.mspDir)]);
  });

  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 over HTTPS and answers /healthz on the operations port', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.operationsPort !== null);
    assert.deepEqual(await healthz(server.operationsPort), { status: 200, body: '{"status":"OK"}' });
  });

  it('enrolls the bootstrap admin: OU=client, hf.* attributes, valid in Org1MSP; cainfo returns the CA chain', async () => {
    const enrollment = await client().enroll({ enrollmentID: 'admin', enrollmentSecret: 'adminpw' });
    const pem = enrollment.certificate;
    const admin = User.createUser('admin', 'adminpw', 'Org1MSP', pem, enrollment.key.toBytes());
    const cert = new X509Certificate(pem);
    assert.deepEqual(subjectOrganizationalUnits(cert), ['client']);
    assert.deepEqual(readCertificateAttributes(pem), {
      'hf.Affiliation': '',
      'hf.EnrollmentID': 'admin',
      'hf.Type': 'client',
    });
    assert.equal(registry.validate(serializeIdentity('Org1MSP', pem)).role, 'client');
    const info = await client().getCaInfo(admin);
    assert.equal(info.caName, 'ca-org1');
    assert.equal(info.caChain.trim(), (await readFile(config.caCertFile, 'utf8')).trim());
  });

  it('registers a user with attributes, enrolls it; the cert has OU=client + affiliation OUs and the ecert attributes', async () => {
    const admin = await enrollUser('admin', 'adminpw');
    const secret = await client().register(
      {
        enrollmentID: 'doctor1',
        role: 'client',
        affiliation: 'org1.department1',
        maxEnrollments: 2,
        attrs: [
          { name: 'role', value: 'provider', ecert: true },
          { name: 'patientId', value: 'p123' },
        ],
      },
      admin,
    );
    assert.match(secret, /^[A-Za-z]{12}$/);

    const first = await client().enroll({ enrollmentID: 'doctor1', enrollmentSecret: secret });
    const cert = new X509Certificate(first.certificate);
    assert.deepEqual(subjectOrganizationalUnits(cert), ['client', 'org1', 'department1']);
    assert.match(cert.subject, /CN=doctor1$/);
    assert.deepEqual(readCertificateAttributes(first.certificate), {
      'hf.Affiliation': 'org1.department1',
      'hf.EnrollmentID': 'doctor1',
      'hf.Type': 'client',
      role: 'provider',
    });
    const validated = registry.validate(serializeIdentity('Org1MSP', first.certificate));
    assert.equal(validated.role, 'client');
    assert.equal(first.rootCertificate.trim(), (await readFile(config.caCertFile, 'utf8')).trim());

    // attr_reqs select exactly what goes in, including a non-ecert attribute.
    const second = await client().enroll({
      enrollmentID: 'doctor1',
      enrollmentSecret: secret,
      attr_reqs: [
        { name: 'patientId', optional: false },
        { name: 'role', optional: true },
      ],
    });
    assert.deepEqual(readCertificateAttributes(second.certificate), { patientId: 'p123', role: 'provider' });

    // max_enrollments = 2 is used up.
    await rejectsWithCaError(
      client().enroll({ enrollmentID: 'doctor1', enrollmentSecret: secret }),
      20,
      /fabric-ca request enroll failed with errors \[\[ \{ code: 20, message: 'Authentication failure' \} \]\]/,
    );
  });

  it('refuses a wrong password, an unknown id, a second registration and a non-registrar with Fabric CA codes', async () => {
    await rejectsWithCaError(
      client().enroll({ enrollmentID: 'admin', enrollmentSecret: 'wrong' }),
      20,
      /Authentication failure/,
    );
    await rejectsWithCaError(
      client().enroll({ enrollmentID: 'nobody', enrollmentSecret: 'x' }),
      20,
      /Authentication failure/,
    );
    const admin = await enrollUser('admin', 'adminpw');
    await client().register({ enrollmentID: 'twice', affiliation: 'org1', role: 'client' }, admin);
    await rejectsWithCaError(
      client().register({ enrollmentID: 'twice', affiliation: 'org1', role: 'client' }, admin),
      0,
      /Identity 'twice' is already registered/,
    );
    const secret = await client().register(
      { enrollmentID: 'plain1', affiliation: 'org1', role: 'client' },
      admin,
    );
    const plain = await enrollUser('plain1', secret);
    await rejectsWithCaError(
      client().register({ enrollmentID: 'sneaky', affiliation: 'org1', role: 'client' }, plain),
      71,
      /Authorization failure/,
    );
  });

  it('reenrolls with the token and refuses a revoked identity', async () => {
    const admin = await enrollUser('admin', 'adminpw');
    const secret = await client().register(
      { enrollmentID: 'temp1', affiliation: 'org1', role: 'client', maxEnrollments: -1 },
      admin,
    );
    const temp = await enrollUser('temp1', secret);
    const renewed = await client().reenroll(temp, []);
    assert.match(new X509Certificate(renewed.certificate).subject, /CN=temp1/);
    const result = (await client().revoke({ enrollmentID: 'temp1' }, admin)) as {
      result: { RevokedCerts: unknown[] };
    };
    assert.equal(result.result.RevokedCerts.length, 2);
    await rejectsWithCaError(client().reenroll(temp, []), 20, /Authentication failure/);
    await rejectsWithCaError(
      client().enroll({ enrollmentID: 'temp1', enrollmentSecret: secret }),
      20,
      /Authentication failure/,
    );
  });

  it('keeps identities across a restart', async () => {
    const admin = await enrollUser('admin', 'adminpw');
    const secret = await client().register(
      {
        enrollmentID: 'survivor',
        affiliation: 'org1',
        role: 'client',
        attrs: [{ name: 'role', value: 'patient', ecert: true }],
      },
      admin,
    );
    await server.close();
    server = await startCaServer(config);
    const enrollment = await client().enroll({ enrollmentID: 'survivor', enrollmentSecret: secret });
    assert.equal(readCertificateAttributes(enrollment.certificate).role, 'patient');
    // The admin's certificate from before the restart still authenticates (same CA key, identity on disk).
    await client().register({ enrollmentID: 'after-restart', affiliation: 'org1', role: 'client' }, admin);
    await rejectsWithCaError(
      client().register({ enrollmentID: 'doctor1', affiliation: 'org1', role: 'client' }, admin),
      0,
      /already registered/,
    );
  });
});
