import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AUDIENCE, BASE_URL, createHarness, outcomeCode, USERS, type Harness } from './app-harness.fake.js';
import { hashSecret } from './password-hash.js';

const EXTERNAL_ISSUER = 'https://idp.example.test/realms/ehr';

async function signed(
  key: CryptoKey,
  claims: Record<string, unknown>,
  options: {
    issuer?: string;
    audience?: string;
    expiresIn?: string | number;
    alg?: string;
    subject?: string;
  } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'ES256' })
    .setSubject(options.subject ?? USERS.provider.id)
    .setIssuer(options.issuer ?? BASE_URL)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key);
}

describe('gateway auth', () => {
  let h: Harness;
  let external: { privateKey: CryptoKey; publicKey: CryptoKey };
  const providerClaims = { role: 'provider', scope: 'user/*.*' };

  before(async () => {
    external = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(external.publicKey);
    h = await createHarness(
      {},
      {
        external: {
          issuer: EXTERNAL_ISSUER,
          keys: createLocalJWKSet({ keys: [{ ...jwk, alg: 'ES256' }] }),
          audience: AUDIENCE,
          algorithms: ['ES256'],
        },
        extraPrincipals: [
          {
            id: 'ext-user-7',
            kind: 'user',
            role: 'provider',
            secret: await hashSecret('unused', { N: 1024, r: 8, p: 1, keyLength: 32 }),
            fabricIdentity: { mspId: 'Org1MSP', certificatePath: '/c', privateKeyPath: '/k' },
          },
        ],
      },
    );
  });

  const read = (token: string | undefined, extra: Record<string, string> = {}) =>
    h.send({
      method: 'GET',
      url: '/fhir/Patient/x',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
    });

  it('issues an ES256 token for the password grant (form) with role, patientId and SMART scopes', async () => {
    const response = await h.tokenRequest('grant_type=password&username=pat.bob&password=bob-pw');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json<{
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
      patient: string;
    }>();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 300);
    assert.equal(body.scope, 'patient/*.read patient/Patient.write');
    assert.equal(body.patient, 'p-bob');
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    assert.equal(header?.alg, 'ES256');
    assert.equal(payload?.sub, 'pat.bob');
    assert.equal(payload.role, 'patient');
    assert.equal(payload.patientId, 'p-bob');
  });

  it('issues a token for client_credentials sent as JSON and via HTTP Basic', async () => {
    const json = await h.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'migrator-1',
        client_secret: 'mig-secret',
      }),
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.json<{ scope: string }>().scope, 'system/*.write');
    const basic = await h.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('migrator-1:mig-secret').toString('base64')}`,
      },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(basic.statusCode, 200, basic.body);
  });

  it('refuses wrong passwords (401), a user via client_credentials (401), unknown grants (400) and text bodies (415)', async () => {
    const wrong = await h.tokenRequest('grant_type=password&username=pat.bob&password=nope');
    assert.equal(wrong.statusCode, 401);
    assert.equal(outcomeCode(wrong), 'GW_INVALID_GRANT');
    const kind = await h.tokenRequest('grant_type=client_credentials&client_id=pat.bob&client_secret=bob-pw');
    assert.equal(kind.statusCode, 401);
    const grant = await h.tokenRequest('grant_type=implicit');
    assert.equal(grant.statusCode, 400);
    const text = await h.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    assert.equal(text.statusCode, 415);
  });

  it('publishes the JWKS and the SMART configuration', async () => {
    const jwks = await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const keys = jwks.json<{ keys: { kty: string; crv: string; alg: string; d?: string }[] }>().keys;
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.crv, 'P-256');
    assert.equal(keys[0].d, undefined);
    const smart = await h.app.inject({ method: 'GET', url: '/.well-known/smart-configuration' });
    const config = smart.json<{ token_endpoint: string; grant_types_supported: string[] }>();
    assert.equal(config.token_endpoint, `${BASE_URL}/auth/token`);
    assert.deepEqual(config.grant_types_supported, ['password', 'client_credentials']);
  });

  it('401 for a missing token and a malformed Authorization header', async () => {
    const missing = await read(undefined);
    assert.equal(missing.statusCode, 401);
    assert.equal(outcomeCode(missing), 'GW_UNAUTHENTICATED');
    assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
    const basic = await h.send({
      method: 'GET',
      url: '/fhir/Patient/x',
      headers: { authorization: 'Basic abc' },
    });
    assert.equal(basic.statusCode, 401);
    const garbage = await read('not-a-jwt');
    assert.equal(garbage.statusCode, 401);
  });

  it('401 for expired, forged, wrong-issuer, wrong-audience and alg:none tokens', async () => {
    const ownKey = (h.tokens as unknown as { keyPair: { privateKey: CryptoKey } }).keyPair.privateKey;
    const expired = await signed(ownKey, providerClaims, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const forged = await signed((await generateKeyPair('ES256')).privateKey, providerClaims);
    const wrongIssuer = await signed(ownKey, providerClaims, { issuer: 'https://evil.example' });
    const wrongAudience = await signed(ownKey, providerClaims, { audience: 'someone-else' });
    const none = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      Buffer.from(
        JSON.stringify({
          sub: USERS.provider.id,
          iss: BASE_URL,
          aud: AUDIENCE,
          role: 'provider',
          scope: 'user/*.*',
          exp: Math.floor(Date.now() / 1000) + 300,
          iat: Math.floor(Date.now() / 1000),
        }),
      ).toString('base64url'),
      '',
    ].join('.');
    const hs256 = await new SignJWT(providerClaims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USERS.provider.id)
      .setIssuer(BASE_URL)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-guessable-shared-secret-of-32-bytes!!'));
    const cases = { expired, forged, wrongIssuer, wrongAudience, none, hs256 };
    for (const [name, token] of Object.entries(cases)) {
      const response = await read(token);
      assert.equal(response.statusCode, 401, `${name}: ${response.body}`);
      assert.equal(outcomeCode(response), 'GW_INVALID_TOKEN', name);
    }
    const valid = await read(await signed(ownKey, providerClaims));
    assert.equal(valid.statusCode, 404, 'the same claims, correctly signed, get through to the ledger');
  });

  it('accepts tokens of the configured external identity provider for users with a ledger identity', async () => {
    const token = await signed(
      external.privateKey,
      { role: 'provider', scope: 'user/*.read' },
      { issuer: EXTERNAL_ISSUER, subject: 'ext-user-7' },
    );
    const response = await read(token);
    assert.equal(response.statusCode, 404, response.body);
    assert.equal(outcomeCode(response), 'CC_ERR_NOT_FOUND');
    const stranger = await signed(
      external.privateKey,
      { role: 'provider', scope: 'user/*.read' },
      { issuer: EXTERNAL_ISSUER, subject: 'not-in-store' },
    );
    const refused = await read(stranger);
    assert.equal(refused.statusCode, 403);
    assert.equal(outcomeCode(refused), 'GW_NO_LEDGER_IDENTITY');
  });

  it('403 for a scope that does not cover the call and for a role that differs from the ledger identity', async () => {
    const readOnly = await h.token('provider', 'user/*.read');
    const write = await h.send({
      method: 'POST',
      url: '/fhir/Basic',
      token: readOnly,
      body: { resourceType: 'Basic' },
    });
    assert.equal(write.statusCode, 403);
    assert.equal(outcomeCode(write), 'GW_INSUFFICIENT_SCOPE');
    const narrowType = await h.token('provider', 'user/Observation.read');
    const otherType = await h.send({ method: 'GET', url: '/fhir/Patient/x', token: narrowType });
    assert.equal(otherType.statusCode, 403);
    const ownKey = (h.tokens as unknown as { keyPair: { privateKey: CryptoKey } }).keyPair.privateKey;
    const elevated = await signed(
      ownKey,
      { role: 'provider', scope: 'user/*.*' },
      { subject: USERS.patient.id },
    );
    const response = await read(elevated);
    assert.equal(response.statusCode, 403);
    assert.equal(outcomeCode(response), 'GW_ROLE_NOT_ALLOWED');
  });

  it('refuses to grant scopes beyond the role (400)', async () => {
    const response = await h.tokenRequest(
      'grant_type=password&username=pat.bob&password=bob-pw&scope=user%2F*.*',
    );
    assert.equal(response.statusCode, 400);
  });
});

describe('gateway login back-pressure', () => {
  it('a login storm gets 503 + Retry-After beyond the password-check queue, never a CPU backlog; later logins work', async () => {
    // A real-cost scrypt hash (N=2^15, tens of ms) so all ten logins arrive while the first is still being checked.
    const h = await createHarness(
      {},
      {
        passwordChecks: { maxInFlight: 1, maxQueued: 1 },
        extraPrincipals: [
          {
            id: 'storm',
            kind: 'user',
            role: 'provider',
            secret: await hashSecret('storm-pw'),
            fabricIdentity: { mspId: 'Org1MSP', certificatePath: '/c', privateKeyPath: '/k' },
          },
        ],
      },
    );
    const login = () => h.tokenRequest('grant_type=password&username=storm&password=storm-pw');
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, login));
      const statuses = answers.map((answer) => answer.statusCode);
      assert.ok(
        statuses.every((status) => status === 200 || status === 503),
        statuses.join(','),
      );
      const refused = answers.filter((answer) => answer.statusCode === 503);
      assert.ok(refused.length >= 1 && refused.length <= 8, statuses.join(','));
      for (const answer of refused) {
        assert.equal(answer.headers['retry-after'], '1');
        assert.equal(outcomeCode(answer), 'GW_OVERLOADED');
      }
      assert.equal((await login()).statusCode, 200);
    } finally {
      await h.app.close();
    }
  });
});
