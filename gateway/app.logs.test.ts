/**
 * The gateway's log output (at trace level, the most talkative) after a session full of PHI and secrets: logins,
 * bearer tokens, records with names, birth dates and addresses, malformed bodies quoting names, ledger failures.
 * None of it may appear in the log; the request lines themselves must.
 */
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { createHarness, type Harness } from './app-harness.fake.js';
import { loadConfig, maskedConfig } from './config.js';

const NAME = { family: 'Quetzalcoatl-Whitmore', given: ['Henrietta'] };
const BIRTH_DATE = '1947-03-29';
const ADDRESS = { line: ['4 Persimmon Row'], city: 'Ulverscombe', postalCode: 'ZX9 8QW' };
const NEW_ADDRESS = { line: ['88 Gooseberry Steps'], city: 'Ravenholt' };
const WRONG_PASSWORD = 'hunter2-Wrong-Password!';

describe('gateway logs carry no PHI or secrets', () => {
  let h: Harness;
  let log: string;
  const secrets: Record<string, string> = {};

  before(async () => {
    h = await createHarness({}, { logLevel: 'trace' });
    const login = await h.tokenRequest('grant_type=password&username=pat.bob&password=bob-pw');
    assert.equal(login.statusCode, 200);
    secrets.patientToken = login.json<{ access_token: string }>().access_token;
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'password', username: 'pat.bob', password: WRONG_PASSWORD }),
    });
    assert.equal(wrong.statusCode, 401);
    secrets.providerToken = await h.token('provider');
    const provider = secrets.providerToken;

    const patient = {
      resourceType: 'Patient',
      id: 'p-bob',
      name: [NAME],
      birthDate: BIRTH_DATE,
      address: [ADDRESS],
    };
    assert.equal(
      (await h.send({ method: 'PUT', url: '/fhir/Patient/p-bob', token: provider, body: patient }))
        .statusCode,
      201,
    );
    assert.equal(
      (await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', token: secrets.patientToken })).statusCode,
      200,
    );
    assert.equal(
      (await h.send({ method: 'GET', url: '/fhir/Patient/p-bob/_history', token: provider })).statusCode,
      200,
    );
    const patch = await h.send({
      method: 'PATCH',
      url: '/fhir/Patient/p-bob',
      token: secrets.patientToken,
      payload: JSON.stringify([{ op: 'replace', path: '/address', value: [NEW_ADDRESS] }]),
      contentType: 'application/json-patch+json',
    });
    assert.equal(patch.statusCode, 200, patch.body);
    const search = await h.send({
      method: 'GET',
      url: `/fhir/Observation?patient=p-bob&name=${encodeURIComponent(NAME.family)}`,
      token: provider,
    });
    assert.equal(search.statusCode, 200);

    // Malformed and refused bodies that quote PHI.
    const malformed = [
      `{"resourceType":"Patient","name":[{"family":"${NAME.family}"}] "birthDate":"${BIRTH_DATE}"`,
      `{"resourceType":"Observation","name":"${NAME.family}"}`,
      `{"resourceType":"Patient","id":"p-x","meta":"x","birthDate":"29/03/1947 ${NAME.family}"}`,
    ];
    for (const payload of malformed) {
      const response = await h.send({ method: 'POST', url: '/fhir/Patient', token: provider, payload });
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body);
    }
    const invalid = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-x',
      token: provider,
      payload: `{"resourceType":"Patient","id":"p-x","meta":"x","birthDate":"${NAME.family}"}`,
    });
    assert.equal(invalid.statusCode, 422);

    // Ledger failures: an unknown code (500, logged with its stack) and an outage (503).
    h.network.failNext('*', 'SOMETHING_NEW');
    const unexpected = await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', token: provider });
    assert.equal(unexpected.statusCode, 500);
    // An outage, not a blip: every try of the write fails (a single UNAVAILABLE is retried, see ledger-access.ts).
    h.network.failNext('*', 'UNAVAILABLE', 3);
    const down = await h.send({ method: 'PUT', url: '/fhir/Patient/p-bob', token: provider, body: patient });
    assert.equal(down.statusCode, 503);

    // Refused tokens: tampered (keeps a real signature) and one with a name in a claim.
    const [header, , signature] = secrets.patientToken.split('.');
    const tampered = `${header ?? ''}.${Buffer.from(JSON.stringify({ sub: NAME.family })).toString('base64url')}.${signature ?? ''}`;
    assert.equal(
      (await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', token: tampered })).statusCode,
      401,
    );

    // The start-up configuration line with a real signing key, and a careless line a future change might add.
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    secrets.signingKey = await exportPKCS8(privateKey);
    h.app.log.info(
      { config: maskedConfig(loadConfig({ 'signing-key-pem': secrets.signingKey }, {})) },
      'gateway configuration',
    );
    h.app.log.info(
      { headers: { authorization: `Bearer ${provider}` }, password: WRONG_PASSWORD, body: patient },
      'a careless line',
    );
    log = h.logLines.join('');
  });

  it('logged the requests (one line each, with route templates and statuses)', () => {
    const requests = log.split('\n').filter((line) => line.includes('"msg":"request"'));
    assert.ok(requests.length >= 12, String(requests.length));
    assert.match(log, /"route":"\/fhir\/:type\/:id"/);
    assert.match(log, /"status":500/);
    assert.match(log, /"msg":"request failed"/);
  });

  it('contains no password, token or token signature', () => {
    for (const [name, token] of Object.entries({
      patient: secrets.patientToken,
      provider: secrets.providerToken,
    })) {
      assert.ok(token !== undefined);
      const [, payload, signature] = token.split('.');
      assert.equal(log.includes(token), false, `${name} token`);
      assert.equal(log.includes(signature ?? '-'), false, `${name} token signature`);
      assert.equal(log.includes(payload ?? '-'), false, `${name} token payload`);
    }
    for (const password of ['bob-pw', 'alice-pw', WRONG_PASSWORD])
      assert.equal(log.includes(password), false, password);
  });

  it('contains no name, birth date, address or patient id from the records', () => {
    for (const value of [
      NAME.family,
      ...NAME.given,
      BIRTH_DATE,
      '29/03/1947',
      ...ADDRESS.line,
      ADDRESS.city,
      ADDRESS.postalCode,
      ...NEW_ADDRESS.line,
      NEW_ADDRESS.city,
      'p-bob',
    ]) {
      assert.equal(log.includes(value), false, value);
    }
  });

  it('contains no private key material', () => {
    assert.doesNotMatch(log, /PRIVATE KEY/);
    const keyBody = (secrets.signingKey ?? '').split('\n')[1] ?? '-';
    assert.equal(log.includes(keyBody), false);
  });
});
