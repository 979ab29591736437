import assert from 'node:assert/strict';
import { createHarness, type Harness } from './app-harness.fake.js';

describe('gateway under hostile input', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness({ bodyLimitBytes: 64 * 1024 });
    token = await h.token('provider');
    const seed = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-1',
      token,
      body: { resourceType: 'Patient', id: 'p-1' },
    });
    assert.equal(seed.statusCode, 201);
  });

  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  const cases: {
    name: string;
    method: 'GET' | 'POST' | 'PUT' | 'PATCH';
    url: string;
    payload?: string;
    contentType?: string;
    status: number;
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '{"resourceType": "Patient",',
      status: 400,
    },
    {
      name: 'JSON with a name in it, malformed',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '{"name":"Jane Roe" "x"}',
      status: 400,
    },
    { name: 'empty JSON body', method: 'POST', url: '/fhir/Patient', payload: '', status: 400 },
    {
      name: 'a JSON array instead of a resource',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '[1,2,3]',
      status: 400,
    },
    { name: 'a JSON string', method: 'POST', url: '/fhir/Patient', payload: '"Patient"', status: 400 },
    {
      name: 'text/plain',
      method: 'POST',
      url: '/fhir/Patient',
      payload: 'hello',
      contentType: 'text/plain',
      status: 415,
    },
    {
      name: 'application/xml',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '<Patient/>',
      contentType: 'application/fhir+xml',
      status: 415,
    },
    {
      name: 'form body on a FHIR route',
      method: 'POST',
      url: '/fhir/Patient',
      payload: 'resourceType=Patient',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
    {
      name: 'malformed content type',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '{}',
      contentType: '///',
      status: 415,
    },
    {
      name: 'huge body',
      method: 'POST',
      url: '/fhir/Patient',
      payload: JSON.stringify({ resourceType: 'Patient', text: 'x'.repeat(70 * 1024) }),
      status: 413,
    },
    {
      name: '10,000 nested objects',
      method: 'POST',
      url: '/fhir/Patient',
      payload: deep(10_000),
      status: 400,
    },
    { name: '10,000 nested arrays', method: 'POST', url: '/fhir', payload: deepArray(10_000), status: 400 },
    {
      name: '__proto__ pollution',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '{"resourceType":"Patient","__proto__":{"admin":true}}',
      status: 400,
    },
    {
      name: 'constructor pollution',
      method: 'POST',
      url: '/fhir/Patient',
      payload: '{"resourceType":"Patient","constructor":{"prototype":{"x":1}}}',
      status: 400,
    },
    { name: 'invalid id characters', method: 'GET', url: '/fhir/Patient/p_1!', status: 400 },
    { name: 'id longer than 64', method: 'GET', url: `/fhir/Patient/${'a'.repeat(65)}`, status: 400 },
    {
      name: 'encoded path traversal in the id',
      method: 'GET',
      url: '/fhir/Patient/..%2F..%2Fetc%2Fpasswd',
      status: 400,
    },
    { name: 'path traversal in the URL', method: 'GET', url: '/fhir/../../etc/passwd', status: 404 },
    { name: 'dot-dot id', method: 'GET', url: '/fhir/Patient/%2E%2E', status: 404 },
    {
      name: 'SQL-looking patient parameter',
      method: 'GET',
      url: `/fhir/Observation?patient=${encodeURIComponent("' OR 1=1 --")}`,
      status: 400,
    },
    {
      name: 'script in the type',
      method: 'GET',
      url: `/fhir/${encodeURIComponent('<script>alert(1)</script>')}/1`,
      status: 404,
    },
    {
      name: 'JNDI-looking id',
      method: 'GET',
      url: `/fhir/Patient/${encodeURIComponent('${jndi:ldap://x/a}')}`,
      status: 400,
    },
    { name: 'NUL byte in the id', method: 'GET', url: '/fhir/Patient/p%00-1', status: 400 },
    {
      name: 'repeated _count',
      method: 'GET',
      url: '/fhir/Observation?patient=p-1&_count=1&_count=2',
      status: 400,
    },
    { name: 'negative _count', method: 'GET', url: '/fhir/Observation?patient=p-1&_count=-5', status: 400 },
    {
      name: 'forged page token',
      method: 'GET',
      url: '/fhir/Observation?patient=p-1&_page_token=b1.%24%24%24',
      status: 400,
    },
    {
      name: 'PATCH outside /address with a traversal pointer',
      method: 'PATCH',
      url: '/fhir/Patient/p-1',
      payload: '[{"op":"add","path":"/address/../name","value":1}]',
      contentType: 'application/json-patch+json',
      status: 422,
    },
    {
      name: 'PATCH with __proto__ pointer',
      method: 'PATCH',
      url: '/fhir/Patient/p-1',
      payload: '[{"op":"add","path":"/address/0/__proto__","value":{}}]',
      contentType: 'application/json-patch+json',
      status: 422,
    },
    {
      name: 'batch that is not a Bundle',
      method: 'POST',
      url: '/fhir',
      payload: '{"resourceType":"Patient"}',
      status: 422,
    },
    { name: 'unknown route', method: 'GET', url: '/admin/shutdown', status: 404 },
    {
      name: 'bad If-Match',
      method: 'PUT',
      url: '/fhir/Patient/p-1',
      payload: '{"resourceType":"Patient","id":"p-1"}',
      status: 400,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} OperationOutcome, and the server keeps serving`, async () => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (c.name === 'bad If-Match') headers['if-match'] = 'version 7; DROP TABLE';
      if (c.payload !== undefined) headers['content-type'] = c.contentType ?? 'application/fhir+json';
      const response = await h.app.inject({
        method: c.method,
        url: c.url,
        headers,
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
      });
      assert.equal(response.statusCode, c.status, response.body);
      const body = response.json<{ resourceType: string; issue: { diagnostics: string }[] }>();
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.doesNotMatch(response.body, /Jane Roe|at \S+\.js|node_modules|DROP TABLE|jndi|<script>/);
      const followUp = await h.send({ method: 'GET', url: '/fhir/Patient/p-1', token });
      assert.equal(followUp.statusCode, 200);
    });
  }

  it('did not pollute Object.prototype', () => {
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
