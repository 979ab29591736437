/**
 * Token attacks on the live gateway: forged signatures, expired, `alg: none`, wrong keys, another audience or
 * issuer, and a replay after the user was revoked. Each forged token claims a provider (or the victim) and is tried
 * on a read and a write of the victim's Patient; every one must be 401 `GW_INVALID_TOKEN` with the RFC 6750
 * challenge, the ledger must not grow, and the victim's record must be unchanged.
 *
 * What the gateway promises about replay (gateway/token-service.ts, request-auth.ts): a token is a bearer credential
 * until its `exp` (15 min); there is no logout and no `jti` list. A token is refused once its subject is revoked
 * (removed from the credentials store, read at the gateway's start), when it names another audience or issuer, and
 * after a restart unless the signing key is configured. The replay check here is the revoked one; that a
 * not-revoked user's token survives the restart is recorded as the control.
 */
import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { checkLedgerUnchanged, checkVictimUnchanged } from './auth-ledger-checks.js';
import { AuthEvidence, INVALID_TOKEN_CHALLENGE } from './auth-evidence.js';
import { ATTACKER_PATIENT_ID, AUTH_USERS, REVOKED_PATIENT_ID, VICTIM_PATIENT_ID } from './auth-fixtures.js';
import { observedLogs, type AuthStack } from './auth-stack.js';
import type { FaultOutcome } from './fault-case.js';

export const TOKEN_CASE_ID = 'auth-token-forgery-and-replay';

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** ES256 over any header and payload, as an attacker's tool would make it (no library checks in the way). */
function es256(key: KeyObject, header: object, payload: object): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function hs256(secret: Buffer, header: object, payload: object): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const now = (): number => Math.floor(Date.now() / 1000);

export async function tokenAttacks(stack: AuthStack): Promise<FaultOutcome> {
  const evidence = new AuthEvidence(stack.fixtures.phi);
  const jwksAnswer = await stack.send({ method: 'GET', path: '/.well-known/jwks.json' });
  const published = (JSON.parse(jwksAnswer.body) as { keys: { kid?: string }[] }).keys[0];
  const kid = published?.kid ?? '';
  const realKey = createPrivateKey(stack.signingKeyPem);
  const attackerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const attackerToken = await stack.login(AUTH_USERS.attacker);
  const [realHeader = '', realPayload = '', realSignature = ''] = attackerToken.split('.');
  const attackerClaims = JSON.parse(Buffer.from(realPayload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const header = { alg: 'ES256', kid, typ: 'JWT' };
  const providerClaims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: AUTH_USERS.provider,
    role: 'provider',
    scope: 'user/*.*',
    // Issuer and audience exactly as the gateway issues them, read from a token it issued.
    iss: attackerClaims.iss,
    aud: attackerClaims.aud,
    iat: now(),
    exp: now() + 300,
    jti: randomBytes(8).toString('hex'),
    ...extra,
  });

  const control = await stack.send({
    method: 'GET',
    path: `/fhir/Patient/${ATTACKER_PATIENT_ID}`,
    token: attackerToken,
  });
  evidence.check(
    'control: the attacker’s own token reads their own Patient (200)',
    control.status === 200,
    String(control.status),
  );

  const forged: Record<string, string> = {
    'forged: patient token, role changed to provider, signature kept': `${realHeader}.${b64url({
      ...attackerClaims,
      role: 'provider',
      scope: 'user/*.*',
    })}.${realSignature}`,
    'forged: patient token, patientId changed to the victim, signature kept': `${realHeader}.${b64url({
      ...attackerClaims,
      patientId: VICTIM_PATIENT_ID,
    })}.${realSignature}`,
    'forged: provider claims under random signature bytes': `${b64url(header)}.${b64url(providerClaims())}.${randomBytes(64).toString('base64url')}`,
    'forged: provider claims, signature stripped': `${b64url(header)}.${b64url(providerClaims())}.`,
    'expired: real key, exp 60 s ago': es256(
      realKey,
      header,
      providerClaims({ iat: now() - 400, exp: now() - 60 }),
    ),
    'expired: real key, exp 10 s ago (tolerance is 5 s)': es256(
      realKey,
      header,
      providerClaims({ iat: now() - 300, exp: now() - 10 }),
    ),
    'alg none: provider claims, empty signature': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(providerClaims())}.`,
    'alg None (capitalised), provider claims': `${b64url({ alg: 'None', typ: 'JWT' })}.${b64url(providerClaims())}.`,
    'alg none with the real token’s signature kept': `${b64url({ alg: 'none', kid })}.${realPayload}.${realSignature}`,
    'wrong key: attacker ES256 key under the gateway’s kid': es256(attackerKey, header, providerClaims()),
    'wrong key: attacker ES256 key, no kid': es256(
      attackerKey,
      { alg: 'ES256', typ: 'JWT' },
      providerClaims(),
    ),
    'wrong key: HS256 keyed with the published JWK': hs256(
      Buffer.from(JSON.stringify(published)),
      { alg: 'HS256', kid, typ: 'JWT' },
      providerClaims(),
    ),
    'other audience: real key, aud another-service': es256(
      realKey,
      header,
      providerClaims({ aud: 'another-service' }),
    ),
    'other issuer: real key, iss of another server': es256(
      realKey,
      header,
      providerClaims({ iss: 'http://127.0.0.1:1' }),
    ),
  };
  // Each forged token differs from this one in one property only, so its refusal is for that property.
  const wellMade = es256(realKey, header, providerClaims());
  const accepted = await stack.send({
    method: 'GET',
    path: `/fhir/Patient/${ATTACKER_PATIENT_ID}`,
    token: wellMade,
  });
  evidence.check(
    'control: a token made here with the real key and valid provider claims is accepted (200)',
    accepted.status === 200,
    String(accepted.status),
  );

  const heightBefore = await stack.ledgerHeight();
  const victimPath = `/fhir/Patient/${VICTIM_PATIENT_ID}`;
  const hijack = { resourceType: 'Patient', id: VICTIM_PATIENT_ID, name: [{ family: 'Hijacked' }] };
  const refused = { status: 401, code: 'GW_INVALID_TOKEN', challenge: INVALID_TOKEN_CHALLENGE } as const;
  for (const [name, token] of Object.entries(forged)) {
    evidence.answer(`${name} → read`, await stack.send({ method: 'GET', path: victimPath, token }), refused);
    evidence.answer(
      `${name} → write`,
      await stack.send({ method: 'PUT', path: victimPath, token, body: hijack }),
      refused,
    );
  }
  const heightAfter = await checkLedgerUnchanged(evidence, stack, heightBefore);
  const victimVersion = await checkVictimUnchanged(evidence, stack);

  // Replay after revocation: a real token of a user the operator then removes from the store.
  const ownSearch = `/fhir/Observation?patient=${REVOKED_PATIENT_ID}`;
  const revokedToken = await stack.login(AUTH_USERS.revoked);
  const before = await stack.send({ method: 'GET', path: ownSearch, token: revokedToken });
  evidence.check(
    'replay: the token works before revocation (200)',
    before.status === 200,
    String(before.status),
  );
  await stack.revoke(AUTH_USERS.revoked);
  evidence.answer(
    'replay: the same token after its user was revoked',
    await stack.send({ method: 'GET', path: ownSearch, token: revokedToken }),
    refused,
  );
  const relogin = await stack.send({
    method: 'POST',
    path: '/auth/token',
    body: new URLSearchParams({
      grant_type: 'password',
      username: AUTH_USERS.revoked,
      password: 'any',
    }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  });
  evidence.answer('replay: the revoked user cannot log in again', relogin, {
    status: 401,
    code: 'GW_INVALID_GRANT',
  });
  const survivor = await stack.send({
    method: 'GET',
    path: `/fhir/Patient/${ATTACKER_PATIENT_ID}`,
    token: attackerToken,
  });
  evidence.check(
    'control: a not-revoked user’s token issued before the restart still works (bearer until exp)',
    survivor.status === 200,
    String(survivor.status),
  );

  return evidence.outcome(
    {
      id: TOKEN_CASE_ID,
      done:
        `${Object.keys(forged).length} forged, expired, alg:none, wrong-key, other-audience and other-issuer tokens ` +
        'claiming a provider (or the victim) each sent to read and to overwrite the victim’s Patient; then a real ' +
        'token replayed after its user was revoked and the gateway restarted.',
      summary: `Ledger height ${heightBefore} → ${heightAfter}; the victim's Patient version ${victimVersion ?? '?'}.`,
    },
    observedLogs(stack),
    stack.fixtures.logOnly,
    { ledgerHeightBefore: heightBefore, ledgerHeightAfter: heightAfter },
  );
}
