/**
 * Attempts to reach data a token does not cover: a patient on another patient's records, a regulator on identified
 * data, and path tricks in ids. A patient gets 403 for another compartment whether the record exists or not (so
 * existence does not leak); a regulator gets 403 for everything except the de-identified research query. No
 * refusal body carries record content, and the ledger is unchanged afterwards.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createHarness, outcomeCode, type Harness, type TestUser } from './app-harness.fake.js';

const CAROL = {
  resourceType: 'Patient',
  id: 'p-carol',
  name: [{ family: 'Zwiebelfisch', given: ['Carolina'] }],
  birthDate: '1961-07-19',
  address: [{ line: ['17 Quillback Lane'], city: 'Marrowtown' }],
};
const CAROL_PHI = /Zwiebelfisch|Carolina|1961-07-19|Quillback|Marrowtown/;
const CAROL_OBSERVATION = {
  resourceType: 'Observation',
  id: 'o-carol',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
  subject: { reference: 'Patient/p-carol', display: 'Carolina Zwiebelfisch' },
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

describe('gateway access abuse', () => {
  let h: Harness;

  before(async () => {
    h = await createHarness();
    for (const resource of [
      CAROL,
      { resourceType: 'Patient', id: 'p-bob', name: [{ family: 'Bobson' }] },
      CAROL_OBSERVATION,
    ]) {
      const response = await h.send({
        method: 'PUT',
        url: `/fhir/${resource.resourceType}/${resource.id}`,
        user: 'provider',
        body: resource,
      });
      assert.equal(response.statusCode, 201, response.body);
    }
  });

  const send = (user: TestUser, method: Method, url: string, body?: unknown, contentType?: string) =>
    h.send({
      method,
      url,
      user,
      ...(body !== undefined ? { body } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
    });

  function assertRefused(response: LightMyRequestResponse, status: number, code: string, name: string): void {
    assert.equal(response.statusCode, status, `${name}: ${response.body}`);
    assert.equal(response.json<{ resourceType: string }>().resourceType, 'OperationOutcome', name);
    assert.equal(outcomeCode(response), code, name);
    assert.doesNotMatch(response.body, CAROL_PHI, name);
  }

  describe('a patient token on another patient', () => {
    const cases: { name: string; method: Method; url: string; body?: unknown; ct?: string; code: string }[] =
      [
        { name: 'read Patient', method: 'GET', url: '/fhir/Patient/p-carol', code: 'CC_ERR_FORBIDDEN' },
        {
          name: 'read their Observation',
          method: 'GET',
          url: '/fhir/Observation/o-carol',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'read a Patient that does not exist (same answer as one that does)',
          method: 'GET',
          url: '/fhir/Patient/p-nobody',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'search by patient id',
          method: 'GET',
          url: '/fhir/Observation?patient=p-carol',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'search by Patient/ reference',
          method: 'GET',
          url: '/fhir/Observation?patient=Patient%2Fp-carol',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'search with _include of the subject',
          method: 'GET',
          url: '/fhir/Observation?patient=p-carol&_include=Observation:subject',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'search without patient (research query)',
          method: 'GET',
          url: '/fhir/Observation?code=8480-6',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'history of the Patient',
          method: 'GET',
          url: '/fhir/Patient/p-carol/_history',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'history of their Observation',
          method: 'GET',
          url: '/fhir/Observation/o-carol/_history',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: '$everything',
          method: 'GET',
          url: '/fhir/Patient/p-carol/$everything',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'PUT over the Patient',
          method: 'PUT',
          url: '/fhir/Patient/p-carol',
          body: { resourceType: 'Patient', id: 'p-carol', name: [{ family: 'Hijacked' }] },
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'PATCH their address',
          method: 'PATCH',
          url: '/fhir/Patient/p-carol',
          body: [{ op: 'replace', path: '/address', value: [{ city: 'Elsewhere' }] }],
          ct: 'application/json-patch+json',
          code: 'CC_ERR_FORBIDDEN',
        },
        {
          name: 'PATCH their name',
          method: 'PATCH',
          url: '/fhir/Patient/p-carol',
          body: [{ op: 'replace', path: '/name', value: [{ family: 'Hijacked' }] }],
          ct: 'application/json-patch+json',
          code: 'GW_ROLE_NOT_ALLOWED',
        },
        {
          name: 'POST an Observation into their compartment',
          method: 'POST',
          url: '/fhir/Observation',
          body: { resourceType: 'Observation', status: 'final', subject: { reference: 'Patient/p-carol' } },
          code: 'GW_INSUFFICIENT_SCOPE',
        },
      ];
    for (const c of cases) {
      it(`${c.name} → 403 ${c.code}`, async () => {
        assertRefused(await send('patient', c.method, c.url, c.body, c.ct), 403, c.code, c.name);
      });
    }

    it('a repeated patient parameter (own + other) → 400, never a merged result', async () => {
      const response = await send('patient', 'GET', '/fhir/Observation?patient=p-bob&patient=p-carol');
      assertRefused(response, 400, 'GW_INVALID_PARAMETER', 'repeated patient');
    });

    it('a batch Bundle from a patient writes nothing', async () => {
      const response = await send('patient', 'POST', '/fhir', {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: { resourceType: 'Patient', id: 'p-carol', name: [{ family: 'Hijacked' }] },
            request: { method: 'PUT', url: 'Patient/p-carol' },
          },
        ],
      });
      assertRefused(response, 403, 'CC_ERR_FORBIDDEN', 'patient batch');
      assert.doesNotMatch(response.body, CAROL_PHI);
    });

    it("left Carol's records unchanged, and Bob still reads his own", async () => {
      const carol = await send('provider', 'GET', '/fhir/Patient/p-carol');
      assert.equal(carol.statusCode, 200);
      const body = carol.json<{ meta: { versionId: string }; name: unknown; address: unknown }>();
      assert.equal(body.meta.versionId, '1');
      assert.deepEqual(body.name, CAROL.name);
      assert.deepEqual(body.address, CAROL.address);
      assert.equal((await send('patient', 'GET', '/fhir/Patient/p-bob')).statusCode, 200);
    });
  });

  describe('a regulator asking for identified data', () => {
    const refused: { name: string; url: string; code: string }[] = [
      { name: 'read a Patient', url: '/fhir/Patient/p-carol', code: 'CC_ERR_FORBIDDEN' },
      {
        name: 'read with _elements',
        url: '/fhir/Patient/p-carol?_elements=name,birthDate',
        code: 'CC_ERR_FORBIDDEN',
      },
      { name: 'read an Observation', url: '/fhir/Observation/o-carol', code: 'CC_ERR_FORBIDDEN' },
      { name: 'history', url: '/fhir/Patient/p-carol/_history', code: 'CC_ERR_FORBIDDEN' },
      { name: '$everything', url: '/fhir/Patient/p-carol/$everything', code: 'CC_ERR_FORBIDDEN' },
      { name: 'compartment search', url: '/fhir/Observation?patient=p-carol', code: 'CC_ERR_FORBIDDEN' },
      {
        name: 'compartment search with _include',
        url: '/fhir/Observation?patient=p-carol&_include=Observation:subject&_elements=subject',
        code: 'CC_ERR_FORBIDDEN',
      },
    ];
    for (const c of refused) {
      it(`${c.name} → 403 ${c.code}`, async () => {
        assertRefused(await send('regulator', 'GET', c.url), 403, c.code, c.name);
      });
    }

    it('writes are outside the regulator scope → 403 GW_INSUFFICIENT_SCOPE', async () => {
      const response = await send('regulator', 'PUT', '/fhir/Patient/p-carol', CAROL);
      assertRefused(response, 403, 'GW_INSUFFICIENT_SCOPE', 'regulator PUT');
    });

    it('the research query answers de-identified entries even when asked for names, includes and revincludes', async () => {
      for (const url of [
        '/fhir/Patient?_elements=name,birthDate,address,id',
        '/fhir/Observation?code=8480-6&_include=Observation:subject&_revinclude=Provenance:target',
        '/fhir/Observation?_elements=subject&_summary=false',
        '/fhir/Patient?name=Zwiebelfisch&birthdate=1961-07-19',
      ]) {
        const response = await send('regulator', 'GET', url);
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        assert.doesNotMatch(response.body, CAROL_PHI, url);
        // Ids and references are the chaincode's pseudonyms (deidentify.ts), never the record's own.
        assert.doesNotMatch(response.body, /p-carol|o-carol/, url);
        const bundle = response.json<{ type: string; entry?: { resource: Record<string, unknown> }[] }>();
        assert.equal(bundle.type, 'searchset');
        assert.ok((bundle.entry ?? []).length > 0, `${url} found the seeded records`);
      }
    });
  });

  describe('path tricks in the id', () => {
    const cases: { name: string; url: string; status: number }[] = [
      { name: 'encoded ../../admin', url: '/fhir/Patient/..%2F..%2Fadmin', status: 400 },
      { name: 'trailing NUL', url: '/fhir/Patient/p-1%00', status: 400 },
      { name: 'encoded slash then _history', url: '/fhir/Patient/p-carol%2F_history', status: 400 },
      { name: 'encoded backslash', url: '/fhir/Patient/..%5C..%5Cadmin', status: 400 },
      { name: 'unicode letters', url: `/fhir/Patient/${encodeURIComponent('pätiënt')}`, status: 400 },
      { name: 'fullwidth letters', url: `/fhir/Patient/${encodeURIComponent('ｐ-carol')}`, status: 400 },
      {
        name: 'right-to-left override',
        url: `/fhir/Patient/${encodeURIComponent('\u202Ep-carol')}`,
        status: 400,
      },
      { name: 'zero-width space', url: `/fhir/Patient/${encodeURIComponent('p-carol\u200B')}`, status: 400 },
      { name: 'emoji', url: `/fhir/Patient/${encodeURIComponent('p-🙂')}`, status: 400 },
      { name: 'a 65-character id', url: `/fhir/Patient/${'a'.repeat(65)}`, status: 400 },
      { name: 'a 64-character id (valid, absent)', url: `/fhir/Patient/${'a'.repeat(64)}`, status: 404 },
      { name: 'an id longer than the router limit', url: `/fhir/Patient/${'a'.repeat(300)}`, status: 400 },
      { name: 'overlong UTF-8 dot', url: '/fhir/Patient/%C0%AE%C0%AE', status: 400 },
      { name: 'broken percent escape', url: '/fhir/Patient/p-%zz', status: 400 },
      { name: 'traversal in the type', url: '/fhir/..%2Fadmin/p-carol', status: 404 },
      { name: 'dot segments', url: '/fhir/Patient/%2e%2e/%2e%2e/admin', status: 404 },
      { name: 'double slash', url: '/fhir//Patient/p-carol', status: 404 },
      { name: 'lowercase type', url: '/fhir/patient/p-carol', status: 404 },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} OperationOutcome, never the record`, async () => {
        const response = await send('provider', 'GET', c.url);
        assert.equal(response.statusCode, c.status, `${c.url}: ${response.body}`);
        assert.equal(response.json<{ resourceType: string }>().resourceType, 'OperationOutcome');
        assert.doesNotMatch(response.body, CAROL_PHI);
      });
    }
  });
});
