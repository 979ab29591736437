/**
 * Every Fabric CA error code the devnet CA sends, triggered from bad input over plain HTTP (no SDK in the way), with
 * a token this test signs itself (the same format fabric-ca-client uses).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateRequestPem } from '../msp/certificate-request.js';
import { orgPaths, writeOrgCrypto } from '../msp/crypto-layout.js';
import { signLowS } from '../msp/ecdsa.js';
import type { P256KeyPair } from '../msp/keys.js';
import { resolveCaConfig } from './ca-config.js';
import { CA_ERROR_CODES } from './ca-errors.js';
import { startCaServer, type RunningCaServer } from './ca-server.js';

interface Reply {
  status: number;
  body: { success?: boolean; result?: { Cert?: string }; errors?: { code: number; message: string }[] };
}

function makeCsr(
  commonName: string,
  key: P256KeyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' }),
): { pem: string; privateKey: KeyObject } {
  return { pem: certificateRequestPem(commonName, key), privateKey: key.privateKey };
}

describe('network/ca error codes', function () {
  this.timeout(30_000);
  let home: string;
  let server: RunningCaServer;
  let adminCert: string;
  let adminKey: KeyObject;

  function call(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, method, path, headers, timeout: 10_000 },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply['body'] });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const basic = (id: string, secret: string): Record<string, string> => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  });

  function token(path: string, body: string, cert = adminCert, key = adminKey): Record<string, string> {
    const b64Cert = Buffer.from(cert).toString('base64');
    const signed = `POST.${Buffer.from(path).toString('base64')}.${Buffer.from(body).toString('base64')}.${b64Cert}`;
    return { authorization: `${b64Cert}.${signLowS(key, Buffer.from(signed)).toString('base64')}` };
  }

  async function expectCode(
    reply: Promise<Reply>,
    name: keyof typeof CA_ERROR_CODES,
    status: number,
    message: RegExp,
  ): Promise<void> {
    const r = await reply;
    assert.equal(r.body.success, false);
    assert.equal(r.status, status);
    const first = r.body.errors?.[0];
    assert.ok(first, 'errors[0] present');
    assert.equal(first.code, CA_ERROR_CODES[name]);
    assert.match(first.message, message);
  }

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'devnet-ca-errors-'));
    const org = { kind: 'peer' as const, domain: 'org1.example.com', mspId: 'Org1MSP', nodes: [], users: [] };
    await writeOrgCrypto(home, org);
    const p = orgPaths(home, org);
    server = await startCaServer(
      resolveCaConfig({
        home: join(home, 'ca'),
        caCertFile: p.caCert,
        caKeyFile: p.caKey,
        tls: null,
        port: 0,
        operationsPort: null,
      }),
    );
    const csr = makeCsr('admin');
    const reply = await call(
      'POST',
      '/api/v1/enroll',
      JSON.stringify({ certificate_request: csr.pem }),
      basic('admin', 'adminpw'),
    );
    assert.equal(reply.status, 201);
    adminCert = Buffer.from(reply.body.result?.Cert ?? '', 'base64').toString();
    adminKey = csr.privateKey;
  });

  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('METHOD_NOT_ALLOWED, NO_AUTH_HEADER, EMPTY_REQUEST_BODY, BAD_REQUEST_BODY, CA_NOT_FOUND', async () => {
    await expectCode(
      call('GET', '/api/v1/enroll', undefined),
      'METHOD_NOT_ALLOWED',
      405,
      /Method GET is not allowed/,
    );
    await expectCode(call('POST', '/api/v1/enroll', '{}'), 'NO_AUTH_HEADER', 401, /No authorization header/);
    await expectCode(
      call('POST', '/api/v1/enroll', '', basic('admin', 'adminpw')),
      'EMPTY_REQUEST_BODY',
      400,
      /Empty request body/,
    );
    await expectCode(
      call('POST', '/api/v1/enroll', '{nope', basic('admin', 'adminpw')),
      'BAD_REQUEST_BODY',
      400,
      /Invalid request body/,
    );
    const body = JSON.stringify({ certificate_request: makeCsr('admin').pem, caname: 'ca-org9' });
    await expectCode(
      call('POST', '/api/v1/enroll', body, basic('admin', 'adminpw')),
      'CA_NOT_FOUND',
      404,
      /CA 'ca-org9' does not exist/,
    );
  });

  it('BAD_CSR and UNKNOWN (CSR CN is not the enrolment id)', async () => {
    await expectCode(
      call(
        'POST',
        '/api/v1/enroll',
        JSON.stringify({ certificate_request: 'hello' }),
        basic('admin', 'adminpw'),
      ),
      'BAD_CSR',
      400,
      /not a PEM certificate signing request/,
    );
    // Signed with another key than the one in the request.
    const tampered = makeCsr('admin', {
      publicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    }).pem;
    await expectCode(
      call(
        'POST',
        '/api/v1/enroll',
        JSON.stringify({ certificate_request: tampered }),
        basic('admin', 'adminpw'),
      ),
      'BAD_CSR',
      400,
      /^CSR signature does not verify$/,
    );
    await expectCode(
      call(
        'POST',
        '/api/v1/enroll',
        JSON.stringify({ certificate_request: makeCsr('mallory').pem }),
        basic('admin', 'adminpw'),
      ),
      'UNKNOWN',
      500,
      /The CSR subject common name must equal the enrollment ID/,
    );
  });

  it('AUTHENTICATION_FAILURE for a token whose signature does not match the body', async () => {
    const body = JSON.stringify({ id: 'x1', affiliation: 'org1' });
    await expectCode(
      call('POST', '/api/v1/register', body, token('/api/v1/register', `${body} `)),
      'AUTHENTICATION_FAILURE',
      401,
      /^Authentication failure$/,
    );
  });

  it('AUTHORIZATION_FAILURE for an attribute the registrar may not register', async () => {
    const body = JSON.stringify({
      id: 'limited',
      affiliation: 'org1',
      attrs: [
        { name: 'hf.Registrar.Roles', value: 'client' },
        { name: 'hf.Registrar.Attributes', value: 'role' },
      ],
    });
    const reg = await call('POST', '/api/v1/register', body, token('/api/v1/register', body));
    assert.equal(reg.status, 201);
    const secret = (reg.body.result as unknown as { secret: string }).secret;
    const csr = makeCsr('limited');
    const enrolled = await call(
      'POST',
      '/api/v1/enroll',
      JSON.stringify({ certificate_request: csr.pem }),
      basic('limited', secret),
    );
    const cert = Buffer.from(enrolled.body.result?.Cert ?? '', 'base64').toString();
    const ok = JSON.stringify({
      id: 'p1',
      affiliation: 'org1',
      type: 'client',
      attrs: [{ name: 'role', value: 'patient' }],
    });
    assert.equal(
      (await call('POST', '/api/v1/register', ok, token('/api/v1/register', ok, cert, csr.privateKey)))
        .status,
      201,
    );
    const bad = JSON.stringify({
      id: 'p2',
      affiliation: 'org1',
      type: 'client',
      attrs: [{ name: 'patientId', value: 'x' }],
    });
    await expectCode(
      call('POST', '/api/v1/register', bad, token('/api/v1/register', bad, cert, csr.privateKey)),
      'AUTHORIZATION_FAILURE',
      403,
      /^Authorization failure$/,
    );
    const peerType = JSON.stringify({ id: 'p3', affiliation: 'org1', type: 'peer' });
    await expectCode(
      call('POST', '/api/v1/register', peerType, token('/api/v1/register', peerType, cert, csr.privateKey)),
      'AUTHORIZATION_FAILURE',
      403,
      /^Authorization failure$/,
    );
  });

  it('REVOKE_ID_NOT_FOUND and REVOKE_CERT_NOT_FOUND', async () => {
    const byId = JSON.stringify({ id: 'ghost' });
    await expectCode(
      call('POST', '/api/v1/revoke', byId, token('/api/v1/revoke', byId)),
      'REVOKE_ID_NOT_FOUND',
      404,
      /Identity ghost was not found/,
    );
    const bySerial = JSON.stringify({ serial: '0abc', aki: 'DEF0' });
    await expectCode(
      call('POST', '/api/v1/revoke', bySerial, token('/api/v1/revoke', bySerial)),
      'REVOKE_CERT_NOT_FOUND',
      404,
      /serial abc and AKI def0 was not found/,
    );
  });
});
