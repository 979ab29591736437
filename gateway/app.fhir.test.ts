import assert from 'node:assert/strict';
import { createHarness, outcomeCode, type Harness, type TestUser } from './app-harness.fake.js';

interface Resource {
  resourceType: string;
  id: string;
  meta: { versionId: string };
  [key: string]: unknown;
}
interface BundleBody {
  type: string;
  link: { relation: string; url: string }[];
  entry: { resource?: Resource; response?: { status: string; location?: string; outcome?: unknown } }[];
}

const bob = { resourceType: 'Patient', id: 'p-bob', name: [{ family: 'Builder' }], birthDate: '1980-08-14' };

async function seedBob(h: Harness): Promise<void> {
  const response = await h.send({ method: 'PUT', url: '/fhir/Patient/p-bob', user: 'provider', body: bob });
  assert.equal(response.statusCode, 201, response.body);
}

describe('gateway FHIR API (in-memory ledger)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });

  it('create → read → update with If-Match → stale If-Match 412 → history', async () => {
    h.app.log.level = 'info';
    let n = 0;
    const created = await h.send({
      method: 'POST',
      url: '/fhir/Observation',
      user: 'provider',
      body: {
        resourceType: 'Observation',
        id: 'ignored',
        status: 'final',
        subject: { reference: 'Patient/p-bob' },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const resource = created.json<Resource>();
    assert.notEqual(resource.id, 'ignored');
    assert.match(resource.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.headers.etag, 'W/"1"');
    assert.equal(
      created.headers.location,
      `http://127.0.0.1:8080/fhir/Observation/${resource.id}/_history/1`,
    );
    assert.match(String(created.headers['x-fabric-tx-id']), /^[0-9a-f]{64}$/);
    assert.equal(created.headers['server-timing'], 'endorse;dur=12.5, submit;dur=3.3, commit;dur=850.0');
    assert.match(String(created.headers['content-type']), /^application\/fhir\+json/);

    const read = await h.send({ method: 'GET', url: `/fhir/Observation/${resource.id}`, user: 'provider' });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json<Resource>().status, 'final');
    assert.equal(read.headers.etag, 'W/"1"');

    const updated = await h.send({
      method: 'PUT',
      url: `/fhir/Observation/${resource.id}`,
      user: 'provider',
      headers: { 'if-match': 'W/"1"' },
      body: { ...resource, status: 'amended' },
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.headers.etag, 'W/"2"');

    const stale = await h.send({
      method: 'PUT',
      url: `/fhir/Observation/${resource.id}`,
      user: 'provider',
      headers: { 'if-match': 'W/"1"' },
      body: { ...resource, status: 'cancelled' },
    });
    assert.equal(stale.statusCode, 412);
    assert.equal(outcomeCode(stale), 'CC_ERR_VERSION_CONFLICT');

    const history = await h.send({
      method: 'GET',
      url: `/fhir/Observation/${resource.id}/_history`,
      user: 'provider',
    });
    assert.equal(history.statusCode, 200);
    const bundle = history.json<BundleBody>();
    assert.equal(bundle.type, 'history');
    assert.deepEqual(
      bundle.entry.map((entry) => entry.resource?.meta.versionId),
      ['2', '1'],
    );
    n += 1;
    assert.equal(n, 1);
  });

  it('PUT creates at a client-chosen id (201) and updates without If-Match (200)', async () => {
    await seedBob(h);
    const again = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-bob',
      user: 'provider',
      body: { ...bob, gender: 'male' },
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.headers.etag, 'W/"2"');
  });

  it('PUT refuses a body whose id differs from the URL (400) or whose type differs (422)', async () => {
    const idMismatch = await h.send({ method: 'PUT', url: '/fhir/Patient/p-x', user: 'provider', body: bob });
    assert.equal(idMismatch.statusCode, 400);
    assert.equal(outcomeCode(idMismatch), 'GW_INVALID_ID');
    const typeMismatch = await h.send({
      method: 'POST',
      url: '/fhir/Observation',
      user: 'provider',
      body: bob,
    });
    assert.equal(typeMismatch.statusCode, 422);
    assert.equal(outcomeCode(typeMismatch), 'GW_UNPROCESSABLE');
  });

  it('a resource the ledger finds invalid is 422; an unknown record 404; an unknown type 404', async () => {
    const invalid = await h.send({
      method: 'POST',
      url: '/fhir/Patient',
      user: 'provider',
      // What the chaincode refuses as a resource (meta not an object), carrying PHI that must not be echoed.
      body: { resourceType: 'Patient', meta: 'x', birthDate: '14/08/1980 Jane Roe' },
    });
    assert.equal(invalid.statusCode, 422);
    assert.equal(outcomeCode(invalid), 'CC_ERR_INVALID_RESOURCE');
    assert.doesNotMatch(invalid.body, /Jane Roe|14\/08/);
    const missing = await h.send({ method: 'GET', url: '/fhir/Patient/nobody', user: 'provider' });
    assert.equal(missing.statusCode, 404);
    assert.equal(outcomeCode(missing), 'CC_ERR_NOT_FOUND');
    const unknownType = await h.send({ method: 'GET', url: '/fhir/Spaceship/1', user: 'provider' });
    assert.equal(unknownType.statusCode, 404);
    assert.equal(outcomeCode(unknownType), 'GW_UNKNOWN_TYPE');
  });

  it('patient search pages with next links carrying an opaque _page_token', async () => {
    await seedBob(h);
    for (let i = 0; i < 5; i += 1) {
      const r = await h.send({
        method: 'PUT',
        url: `/fhir/Observation/o${i}`,
        user: 'provider',
        body: {
          resourceType: 'Observation',
          id: `o${i}`,
          status: 'final',
          subject: { reference: 'Patient/p-bob' },
        },
      });
      assert.equal(r.statusCode, 201);
    }
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Observation?patient=Patient/p-bob&_count=2';
    let pages = 0;
    while (url !== undefined) {
      const page = await h.send({ method: 'GET', url, user: 'patient' });
      assert.equal(page.statusCode, 200, page.body);
      const bundle = page.json<BundleBody>();
      assert.equal(bundle.type, 'searchset');
      seen.push(...bundle.entry.map((entry) => entry.resource?.id ?? ''));
      const next = bundle.link.find((link) => link.relation === 'next')?.url;
      if (next !== undefined) {
        assert.match(next, /_page_token=b1\.[A-Za-z0-9_-]+/);
        assert.match(next, /_count=2/);
      }
      url = next?.replace('http://127.0.0.1:8080', '');
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['o0', 'o1', 'o2', 'o3', 'o4']);

    const everything = await h.send({
      method: 'GET',
      url: '/fhir/Patient/p-bob/$everything',
      user: 'patient',
    });
    assert.equal(everything.statusCode, 200, everything.body);
    assert.equal(everything.json<BundleBody>().entry.length, 6);

    const badToken = await h.send({
      method: 'GET',
      url: '/fhir/Observation?patient=p-bob&_page_token=xyz',
      user: 'patient',
    });
    assert.equal(badToken.statusCode, 400);
    const badCount = await h.send({
      method: 'GET',
      url: '/fhir/Observation?patient=p-bob&_count=0',
      user: 'patient',
    });
    assert.equal(badCount.statusCode, 400);
  });

  it('a batch Bundle goes through one CreateRecords and answers per entry in order', async () => {
    await seedBob(h);
    const response = await h.send({
      method: 'POST',
      url: '/fhir',
      user: 'migrator',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            request: { method: 'POST', url: 'Observation' },
            resource: { resourceType: 'Observation', status: 'final' },
          },
          { request: { method: 'PUT', url: 'Patient/p-bob' }, resource: bob },
          { request: { method: 'PUT', url: 'Patient/p-bob' }, resource: { ...bob, gender: 'male' } },
          {
            request: { method: 'PUT', url: 'Patient/p-new' },
            resource: { resourceType: 'Patient', id: 'p-new', meta: 'x' },
          },
          { request: { method: 'DELETE', url: 'Patient/p-bob' }, resource: bob },
        ],
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(response.headers['x-fabric-tx-id']);
    const bundle = response.json<BundleBody>();
    assert.equal(bundle.type, 'batch-response');
    assert.deepEqual(
      bundle.entry.map((entry) => entry.response?.status),
      ['201 Created', '200 OK', '409', '422', '400'],
    );
    assert.deepEqual(h.network.calls.filter((c) => c.tx === 'CreateRecords').length, 1);
  });

  it('a transaction Bundle is 422 and an oversized batch is 413', async () => {
    const tx = await h.send({
      method: 'POST',
      url: '/fhir',
      user: 'provider',
      body: { resourceType: 'Bundle', type: 'transaction' },
    });
    assert.equal(tx.statusCode, 422);
    const entries = Array.from({ length: 1001 }, () => ({
      request: { method: 'POST', url: 'Basic' },
      resource: { resourceType: 'Basic' },
    }));
    const big = await h.send({
      method: 'POST',
      url: '/fhir',
      user: 'provider',
      body: { resourceType: 'Bundle', type: 'batch', entry: entries },
    });
    assert.equal(big.statusCode, 413);
  });

  it('PATCH on /address is the patient’s one write; other paths are 403 for patients and 422 for providers', async () => {
    await seedBob(h);
    // Every case patches the same record; they differ in user, body, content type and If-Match.
    const patchBob = (
      user: TestUser,
      body: unknown,
      extra: { contentType?: string; headers?: Record<string, string> } = {
        contentType: 'application/json-patch+json',
      },
    ) => h.send({ method: 'PATCH', url: '/fhir/Patient/p-bob', user, body, ...extra });
    const patch = [{ op: 'add', path: '/address/-', value: { city: 'Leeds' } }];
    const ok = await patchBob('patient', patch, {
      contentType: 'application/json-patch+json',
      headers: { 'if-match': 'W/"1"' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json<Resource>().address, [{ city: 'Leeds' }]);
    assert.ok(ok.headers['x-fabric-tx-id']);

    const stale = await patchBob('patient', patch, {
      contentType: 'application/json-patch+json',
      headers: { 'if-match': 'W/"1"' },
    });
    assert.equal(stale.statusCode, 412);

    const name = [{ op: 'replace', path: '/name', value: [] }];
    const asPatient = await patchBob('patient', name);
    assert.equal(asPatient.statusCode, 403);
    const asProvider = await patchBob('provider', name);
    assert.equal(asProvider.statusCode, 422);
    const otherPatient = await patchBob('otherPatient', patch);
    assert.equal(otherPatient.statusCode, 403);
    // No JSON Patch content type: send's default application/fhir+json.
    const wrongType = await patchBob('patient', patch, {});
    assert.equal(wrongType.statusCode, 415);
  });

  it('GET /fhir/metadata is a CapabilityStatement generated from the route table', async () => {
    const response = await h.send({ method: 'GET', url: '/fhir/metadata' });
    assert.equal(response.statusCode, 200);
    const cs = response.json<{
      resourceType: string;
      fhirVersion: string;
      rest: {
        resource: { type: string; interaction: { code: string }[]; operation?: { name: string }[] }[];
        interaction: { code: string }[];
      }[];
    }>();
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    const rest = cs.rest[0];
    assert.ok(rest);
    assert.deepEqual(rest.interaction, [{ code: 'batch' }]);
    const patient = rest.resource.find((r) => r.type === 'Patient');
    const observation = rest.resource.find((r) => r.type === 'Observation');
    assert.deepEqual(patient?.interaction.map((i) => i.code).sort(), [
      'create',
      'history-instance',
      'patch',
      'read',
      'search-type',
      'update',
    ]);
    assert.deepEqual(observation?.interaction.map((i) => i.code).sort(), [
      'create',
      'history-instance',
      'read',
      'search-type',
      'update',
    ]);
    assert.deepEqual(
      patient.operation?.map((o) => o.name),
      ['everything'],
    );
    assert.equal(rest.resource.length, 146);
  });
});

describe('gateway role matrix over HTTP (enforced by the ledger fake as by the chaincode)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await seedBob(h);
    const carol = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-carol',
      user: 'provider',
      body: { resourceType: 'Patient', id: 'p-carol' },
    });
    assert.equal(carol.statusCode, 201);
  });

  const cases: {
    user: 'patient' | 'otherPatient' | 'regulator' | 'migrator' | 'provider';
    method: 'GET' | 'POST' | 'PUT';
    url: string;
    body?: unknown;
    status: number;
  }[] = [
    { user: 'patient', method: 'GET', url: '/fhir/Patient/p-bob', status: 200 },
    { user: 'otherPatient', method: 'GET', url: '/fhir/Patient/p-bob', status: 403 },
    { user: 'patient', method: 'GET', url: '/fhir/Observation?patient=p-carol', status: 403 },
    { user: 'patient', method: 'PUT', url: '/fhir/Patient/p-bob', body: bob, status: 403 },
    { user: 'regulator', method: 'GET', url: '/fhir/Patient/p-bob', status: 403 },
    { user: 'regulator', method: 'GET', url: '/fhir/Patient', status: 200 },
    { user: 'provider', method: 'GET', url: '/fhir/Patient', status: 403 },
    {
      user: 'regulator',
      method: 'POST',
      url: '/fhir/Patient',
      body: { resourceType: 'Patient' },
      status: 403,
    },
    {
      user: 'migrator',
      method: 'POST',
      url: '/fhir/Patient',
      body: { resourceType: 'Patient' },
      status: 403,
    },
    { user: 'migrator', method: 'GET', url: '/fhir/Patient/p-bob', status: 403 },
    { user: 'provider', method: 'GET', url: '/fhir/Patient/p-carol', status: 200 },
  ];
  for (const c of cases) {
    it(`${c.user} ${c.method} ${c.url} → ${c.status}`, async () => {
      const response = await h.send({
        method: c.method,
        url: c.url,
        user: c.user,
        ...(c.body ? { body: c.body } : {}),
      });
      assert.equal(response.statusCode, c.status, response.body);
      if (c.status === 403)
        assert.equal(response.json<{ resourceType: string }>().resourceType, 'OperationOutcome');
    });
  }

  it('research results are de-identified', async () => {
    const response = await h.send({ method: 'GET', url: '/fhir/Patient', user: 'regulator' });
    assert.equal(response.statusCode, 200);
    // The chaincode's de-identification: no name, no full birth date (the year stays), no real id.
    assert.doesNotMatch(response.body, /Builder|1980-08-14|p-bob/);
  });
});

describe('gateway ledger failure handling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await seedBob(h);
  });

  it('retries an update after MVCC_READ_CONFLICT with the same expected version, then succeeds', async () => {
    h.network.failNext('UpdateRecord', 'MVCC_READ_CONFLICT', 2);
    const response = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-bob',
      user: 'provider',
      headers: { 'if-match': 'W/"1"' },
      body: bob,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(h.network.calls.filter((c) => c.tx === 'UpdateRecord').length, 3);
    const metrics = await h.send({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /fhirledger_gateway_ledger_retries_total 2/);
  });

  it('answers 409 once the MVCC retries are used up', async () => {
    h.network.failNext('UpdateRecord', 'MVCC_READ_CONFLICT', 3);
    const response = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-bob',
      user: 'provider',
      headers: { 'if-match': 'W/"1"' },
      body: bob,
    });
    assert.equal(response.statusCode, 409);
    assert.equal(outcomeCode(response), 'MVCC_READ_CONFLICT');
  });

  it('answers 503 with Retry-After when the ledger is unavailable, and does not retry', async () => {
    h.network.failNext('ReadRecord', 'UNAVAILABLE');
    const response = await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', user: 'provider' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '5');
    assert.equal(outcomeCode(response), 'UNAVAILABLE');
  });

  it('answers 503 for COMMIT_FAILED and 500 without details for an unknown error', async () => {
    h.network.failNext('CreateRecord', 'COMMIT_FAILED');
    const failed = await h.send({
      method: 'POST',
      url: '/fhir/Basic',
      user: 'provider',
      body: { resourceType: 'Basic' },
    });
    assert.equal(failed.statusCode, 503);
    h.network.failNext('ReadRecord', 'SOMETHING_ODD');
    const odd = await h.send({ method: 'GET', url: '/fhir/Patient/p-bob', user: 'provider' });
    assert.equal(odd.statusCode, 500);
    assert.equal(outcomeCode(odd), 'GW_UNEXPECTED');
    assert.doesNotMatch(odd.body, /injected|at .*\.js/);
  });

  it('POST never answers 2xx before the commit resolved: a commit failure leaves no Location', async () => {
    h.network.failNext('CreateRecord', 'COMMIT_FAILED');
    const response = await h.send({
      method: 'POST',
      url: '/fhir/Basic',
      user: 'provider',
      body: { resourceType: 'Basic' },
    });
    assert.equal(response.headers.location, undefined);
    assert.equal(response.headers['x-fabric-tx-id'], undefined);
  });
});
