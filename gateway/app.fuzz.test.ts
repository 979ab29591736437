import assert from 'node:assert/strict';
import { createHarness, type Harness } from './app-harness.fake.js';
import { generateRequest, mulberry32, runFuzz, type FuzzRequest, type FuzzSend } from './fuzz.js';

/** The seed and size the results page quotes; change both together with the figures there. */
export const FUZZ_SEED = 20250901;
export const FUZZ_COUNT = 1500;

describe('gateway fuzz run', function () {
  this.timeout(20_000);
  let h: Harness;
  let send: FuzzSend;
  let tokens: string[];

  before(async () => {
    h = await createHarness();
    tokens = await Promise.all(
      (['provider', 'patient', 'regulator', 'migrator'] as const).map((user) => h.token(user)),
    );
    const seeded = await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-1',
      user: 'provider',
      body: { resourceType: 'Patient', id: 'p-1' },
    });
    assert.equal(seeded.statusCode, 201);
    send = async (request: FuzzRequest) => {
      const response = await h.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers as Record<string, string>,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      });
      return { statusCode: response.statusCode, body: response.body };
    };
  });

  it('the generator is reproducible from its seed and varies between seeds', () => {
    const requestsFrom = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 50 }, () => generateRequest(random, ['t']));
    };
    const first = requestsFrom(7);
    const again = requestsFrom(7);
    const other = requestsFrom(8);
    assert.deepEqual(again, first);
    assert.notDeepEqual(other, first);
  });

  it(`${String(FUZZ_COUNT)} hostile requests (seed ${String(FUZZ_SEED)}): no 5xx, every 4xx an OperationOutcome`, async () => {
    const report = await runFuzz(send, { seed: FUZZ_SEED, count: FUZZ_COUNT, tokens });
    assert.deepEqual(report.violations.slice(0, 10), []);
    assert.equal(report.total, FUZZ_COUNT);
    const counted = Object.values(report.byStatus).reduce((sum, n) => sum + n, 0);
    assert.equal(counted, FUZZ_COUNT);
    assert.equal(Object.keys(report.byStatus).filter((status) => Number(status) >= 500).length, 0);
    // The run must exercise refusals of several kinds, not just bounce off one check.
    for (const status of ['400', '401', '403', '404', '415'])
      assert.ok((report.byStatus[status] ?? 0) > 0, status);
    const healthy = await h.send({ method: 'GET', url: '/fhir/Patient/p-1', user: 'provider' });
    assert.equal(healthy.statusCode, 200, 'the server still answers a normal request afterwards');
    assert.equal(({} as Record<string, unknown>).admin, undefined, 'Object.prototype was not polluted');
  });

  it('reports a 5xx and a non-OperationOutcome 4xx as violations', async () => {
    const report = await runFuzz(
      (request) =>
        Promise.resolve(
          request.method === 'GET'
            ? { statusCode: 500, body: '{}' }
            : { statusCode: 400, body: '{"error":"Bad Request"}' },
        ),
      { seed: 1, count: 40, tokens: ['t'] },
    );
    assert.ok(report.violations.some((v) => v.reason === 'server error 500'));
    assert.ok(report.violations.some((v) => v.reason === '4xx body is not an OperationOutcome'));
  });
});
