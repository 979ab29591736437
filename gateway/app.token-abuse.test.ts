/**
 * Attacks on the bearer token: algorithm confusion, tampered claims, odd headers (kid, crit, jwk, jku), sizes,
 * times, unknown subjects and Authorization header spellings. Every refusal is a 401 OperationOutcome with an
 * RFC 6750 challenge; the spellings RFC 6750/7235 allow are accepted.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AUDIENCE, BASE_URL, createHarness, outcomeCode, USERS, type Harness } from './app-harness.fake.js';
import { MAX_BEARER_TOKEN_LENGTH } from './request-auth.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs any header/payload with an ES256 key, bypassing jose's checks, as an attacker's tool would. */
async function signRaw(
  key: CryptoKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function claimsOf(
  user: 'patient' | 'provider',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const base =
    user === 'patient'
      ? {
          sub: USERS.patient.id,
          role: 'patient',
          patientId: USERS.patient.patientId,
          scope: 'patient/*.read patient/Patient.write',
        }
      : { sub: USERS.provider.id, role: 'provider', scope: 'user/*.*' };
  return {
    ...base,
    iss: BASE_URL,
    aud: AUDIENCE,
    iat: nowSeconds(),
    exp: nowSeconds() + 300,
    jti: crypto.randomUUID(),
    ...extra,
  };
}

function assertRefused401(response: LightMyRequestResponse, name: string): void {
  assert.equal(response.statusCode, 401, `${name}: ${response.body}`);
  const body = response.json<{ resourceType: string; issue: { code: string }[] }>();
  assert.equal(body.resourceType, 'OperationOutcome', name);
  assert.equal(body.issue[0]?.code, 'login', name);
  assert.equal(outcomeCode(response), 'GW_INVALID_TOKEN', name);
  assert.equal(
    response.headers['www-authenticate'],
    'Bearer realm="fhirledger", error="invalid_token"',
    name,
  );
}

describe('gateway token abuse', () => {
  let h: Harness;
  let ownKey: { privateKey: CryptoKey; publicKey: CryptoKey };
  let kid: string;
  let patientToken: string;

  before(async () => {
    h = await createHarness();
    ownKey = (h.tokens as unknown as { keyPair: { privateKey: CryptoKey; publicKey: CryptoKey } }).keyPair;
    kid = h.tokens.jwks().keys[0]?.kid ?? '';
    const created = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-bob',
      user: 'provider',
      body: { resourceType: 'Patient', id: 'p-bob' },
    });
    assert.equal(created.statusCode, 201);
    patientToken = await h.token('patient');
  });

  // Arrays are how inject() sends a header twice.
  const readOwn = (authorization: string | string[]): Promise<LightMyRequestResponse> =>
    h.app.inject({
      method: 'GET',
      url: '/fhir/Patient/p-bob',
      headers: { authorization } as unknown as Record<string, string>,
    });

  it('the untouched token reads the patient record (baseline for every case below)', async () => {
    const response = await readOwn(`Bearer ${patientToken}`);
    assert.equal(response.statusCode, 200, response.body);
  });

  it('algorithm confusion: HS256 keyed with the published public key (JWK JSON, PEM, x coordinate) → 401', async () => {
    const jwks = await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const published = jwks.json<{ keys: JWK[] }>().keys[0];
    assert.ok(published);
    const pem = await exportSPKI(ownKey.publicKey);
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    const hmacKeys: Record<string, Uint8Array> = {
      'JWK JSON': new TextEncoder().encode(JSON.stringify(published)),
      'SPKI PEM': new TextEncoder().encode(pem),
      'SPKI DER': new Uint8Array(der),
      'x coordinate': new TextEncoder().encode(published.x ?? ''),
    };
    for (const [name, secret] of Object.entries(hmacKeys)) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const token = await new SignJWT(claimsOf('provider'))
          .setProtectedHeader({ alg, kid, typ: 'JWT' })
          .sign(secret);
        assertRefused401(await readOwn(`Bearer ${token}`), `${alg} keyed with ${name}`);
      }
    }
  });

  it('tampered claims with the original signature kept → 401', async () => {
    const [header, payload, signature] = patientToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered: Record<string, Record<string, unknown>> = {
      'role → regulator': { ...claims, role: 'regulator', scope: 'user/*.read' },
      'role → provider': { ...claims, role: 'provider', scope: 'user/*.*' },
      'patientId → another patient': { ...claims, patientId: USERS.otherPatient.patientId },
      'sub → another user': { ...claims, sub: USERS.otherPatient.id },
      'exp → a year later': { ...claims, exp: nowSeconds() + 365 * 86400 },
    };
    for (const [name, changed] of Object.entries(tampered)) {
      assertRefused401(await readOwn(`Bearer ${header}.${b64url(changed)}.${signature}`), name);
    }
    // Flipping the header instead of the payload (alg kept, kid removed) breaks the signature too.
    const header2 = b64url({ alg: 'ES256', typ: 'JWT' });
    assertRefused401(await readOwn(`Bearer ${header2}.${payload}.${signature}`), 'header rewritten');
    assertRefused401(await readOwn(`Bearer ${header}.${payload}.`), 'signature stripped');
  });

  it('odd headers: kid pointing nowhere, crit, an embedded jwk, a jku URL, a second key → 401', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const claims = claimsOf('patient');
    const cases: Record<string, string> = {
      'kid pointing nowhere, signed with our key': await signRaw(
        ownKey.privateKey,
        { alg: 'ES256', kid: 'no-such-key' },
        claims,
      ),
      'kid pointing nowhere, signed with another key': await signRaw(
        attacker.privateKey,
        { alg: 'ES256', kid: 'no-such-key' },
        claims,
      ),
      'kid path traversal': await signRaw(
        ownKey.privateKey,
        { alg: 'ES256', kid: '../../../../dev/null' },
        claims,
      ),
      'crit with an unknown extension': await signRaw(
        ownKey.privateKey,
        { alg: 'ES256', kid, crit: ['x-fhirledger-unknown'], 'x-fhirledger-unknown': true },
        claims,
      ),
      'crit naming a missing header': await signRaw(
        ownKey.privateKey,
        { alg: 'ES256', kid, crit: ['exp'] },
        claims,
      ),
      "embedded jwk of the attacker's key": await signRaw(
        attacker.privateKey,
        { alg: 'ES256', jwk: attackerJwk },
        claims,
      ),
      "our kid, the attacker's key": await signRaw(attacker.privateKey, { alg: 'ES256', kid }, claims),
      'jku pointing at an attacker JWKS': await signRaw(
        attacker.privateKey,
        { alg: 'ES256', jku: 'https://evil.example/jwks.json' },
        claims,
      ),
      'b64: false (unencoded payload)': await signRaw(
        ownKey.privateKey,
        { alg: 'ES256', kid, b64: false, crit: ['b64'] },
        claims,
      ),
    };
    for (const [name, token] of Object.entries(cases))
      assertRefused401(await readOwn(`Bearer ${token}`), name);
    const ownKid = await signRaw(ownKey.privateKey, { alg: 'ES256', kid, typ: 'JWT' }, claims);
    assert.equal((await readOwn(`Bearer ${ownKid}`)).statusCode, 200, 'the same token with our kid passes');
  });

  it('sizes: a 100 KB token (validly signed, or garbage) and a 100 KB header value → 401 before verification', async () => {
    const padded = await signRaw(
      ownKey.privateKey,
      { alg: 'ES256', kid },
      claimsOf('patient', { pad: 'x'.repeat(100 * 1024) }),
    );
    assert.ok(padded.length > 100 * 1024);
    assertRefused401(await readOwn(`Bearer ${padded}`), '100 KB signed token');
    assertRefused401(await readOwn(`Bearer ${'A'.repeat(100 * 1024)}`), '100 KB of base64');
    assertRefused401(await readOwn(`Bearer ${'eyJ'.repeat(40_000)}.e.e`), '100 KB JWT-looking');
    const justUnder = await signRaw(
      ownKey.privateKey,
      { alg: 'ES256', kid },
      claimsOf('patient', { pad: 'x'.repeat(MAX_BEARER_TOKEN_LENGTH / 2) }),
    );
    assert.ok(justUnder.length < MAX_BEARER_TOKEN_LENGTH);
    assert.equal((await readOwn(`Bearer ${justUnder}`)).statusCode, 200, 'a large but allowed token passes');
  });

  it('times: nbf in the future, missing exp, missing iat, exp beyond the clock tolerance → 401', async () => {
    const sign = (claims: Record<string, unknown>) =>
      signRaw(ownKey.privateKey, { alg: 'ES256', kid }, claims);
    const withoutExp = claimsOf('patient');
    delete withoutExp.exp;
    const withoutIat = claimsOf('patient');
    delete withoutIat.iat;
    const cases: Record<string, string> = {
      'nbf one hour ahead': await sign(claimsOf('patient', { nbf: nowSeconds() + 3600 })),
      'missing exp': await sign(withoutExp),
      'missing iat': await sign(withoutIat),
      'expired 10 s ago (tolerance is 5 s)': await sign(claimsOf('patient', { exp: nowSeconds() - 10 })),
      'exp as a string': await sign(claimsOf('patient', { exp: String(nowSeconds() + 300) })),
      'iat in the future': await sign(claimsOf('patient', { iat: nowSeconds() + 3600 })),
    };
    for (const [name, token] of Object.entries(cases))
      assertRefused401(await readOwn(`Bearer ${token}`), name);
  });

  it('a validly signed token for a deleted or unknown user → 401 (revoked), never the data', async () => {
    const sign = (claims: Record<string, unknown>) =>
      signRaw(ownKey.privateKey, { alg: 'ES256', kid }, claims);
    const cases: Record<string, string> = {
      'deleted provider': await sign(claimsOf('provider', { sub: 'dr.deleted' })),
      'unknown patient claiming p-bob': await sign(claimsOf('patient', { sub: 'pat.ghost' })),
      'empty subject': await sign(claimsOf('provider', { sub: '' })),
      'subject as a number': await sign(claimsOf('provider', { sub: 42 })),
      'role not in the contract': await sign(claimsOf('provider', { role: 'admin' })),
    };
    for (const [name, token] of Object.entries(cases)) {
      const response = await readOwn(`Bearer ${token}`);
      assertRefused401(response, name);
      assert.doesNotMatch(response.body, /p-bob"|"Patient"/, name);
    }
  });

  it('Authorization spellings: case-insensitive scheme and 1*SP are accepted (RFC 6750 §2.1, RFC 7235 §2.1)', async () => {
    for (const spelling of [
      `Bearer ${patientToken}`,
      `bearer ${patientToken}`,
      `BEARER ${patientToken}`,
      `Bearer  ${patientToken}`,
    ]) {
      assert.equal((await readOwn(spelling)).statusCode, 200, JSON.stringify(spelling.slice(0, 9)));
    }
  });

  it('Authorization spellings that are not one bearer token → 401', async () => {
    const cases: Record<string, string | string[]> = {
      'no token': 'Bearer',
      'no token, trailing space': 'Bearer ',
      'tab instead of space': `Bearer\t${patientToken}`,
      'two tokens': `Bearer ${patientToken} ${patientToken}`,
      'comma-joined repeat': `Bearer ${patientToken}, Bearer ${patientToken}`,
      'two Authorization headers': [`Bearer ${patientToken}`, `Bearer ${patientToken}`],
      'Token scheme': `Token ${patientToken}`,
      'quoted token': `Bearer "${patientToken}"`,
      'token in a Basic header': `Basic ${Buffer.from(patientToken).toString('base64')}`,
    };
    for (const [name, header] of Object.entries(cases)) assertRefused401(await readOwn(header), name);
  });

  it('a missing token is 401 with a challenge that names no error (RFC 6750 §3.1); a narrow scope is 403 insufficient_scope', async () => {
    const missing = await h.app.inject({ method: 'GET', url: '/fhir/Patient/p-bob' });
    assert.equal(missing.statusCode, 401);
    assert.equal(outcomeCode(missing), 'GW_UNAUTHENTICATED');
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="fhirledger"');
    const narrow = await h.token('provider', 'user/Observation.read');
    const response = await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', token: narrow });
    assert.equal(response.statusCode, 403);
    assert.equal(outcomeCode(response), 'GW_INSUFFICIENT_SCOPE');
    assert.equal(
      response.headers['www-authenticate'],
      'Bearer realm="fhirledger", error="insufficient_scope"',
    );
  });
});
