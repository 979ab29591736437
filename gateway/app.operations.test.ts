import assert from 'node:assert/strict';
import { createHarness, outcomeCode } from './app-harness.fake.js';
import { listenGateway } from './server.js';

describe('gateway operations', () => {
  it('/healthz is up; /readyz follows the readiness probe (503 + Retry-After when the ledger is down)', async () => {
    const h = await createHarness();
    assert.equal((await h.send({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await h.send({ method: 'GET', url: '/readyz' })).statusCode, 200);
    h.ready.ok = false;
    const down = await h.send({ method: 'GET', url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.headers['retry-after'], '5');
    assert.equal(outcomeCode(down), 'LEDGER_UNAVAILABLE');
  });

  it('/metrics exposes request counts and latencies per route and status, phase latencies and gauges', async () => {
    const h = await createHarness();
    await h.send({ method: 'POST', url: '/fhir/Basic', user: 'provider', body: { resourceType: 'Basic' } });
    await h.send({ method: 'GET', url: '/fhir/Basic/nope', user: 'provider' });
    const text = (await h.send({ method: 'GET', url: '/metrics' })).body;
    assert.match(
      text,
      /fhirledger_gateway_requests_total\{route="\/fhir\/:type",method="POST",status="201"\} 1/,
    );
    assert.match(
      text,
      /fhirledger_gateway_requests_total\{route="\/fhir\/:type\/:id",method="GET",status="404"\} 1/,
    );
    assert.match(
      text,
      /fhirledger_gateway_request_duration_seconds_bucket\{route="\/fhir\/:type",method="POST",status="201",le="\+Inf"\} 1/,
    );
    assert.match(
      text,
      /fhirledger_gateway_ledger_phase_seconds_sum\{tx="CreateRecord",phase="commit"\} 0\.85/,
    );
    assert.match(text, /fhirledger_gateway_ledger_in_flight 0/);
    assert.match(text, /fhirledger_gateway_ledger_queue_depth 0/);
  });

  it('refuses at once with 503 + Retry-After when in-flight and queue are full, and serves the rest', async () => {
    const h = await createHarness({ maxInFlight: 2, maxQueued: 3, requestTimeoutMs: 5000 });
    await h.token('provider');
    h.network.delayMs = 100;
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => h.send({ method: 'GET', url: '/fhir/Patient/x', user: 'provider' })),
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 404).length, 5, statuses.join(','));
    const refused = responses.filter((r) => r.statusCode === 503);
    assert.equal(refused.length, 7);
    for (const r of refused) {
      assert.equal(r.headers['retry-after'], '1');
      assert.equal(outcomeCode(r), 'GW_OVERLOADED');
    }
    assert.ok(Date.now() - started < 1000);
    const metrics = (await h.send({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /fhirledger_gateway_ledger_refusals_total\{reason="overloaded"\} 7/);
  });

  it('answers 504 at the request deadline instead of hanging, and keeps the slot until the ledger settles', async () => {
    const h = await createHarness({ maxInFlight: 1, maxQueued: 1, requestTimeoutMs: 150 });
    await h.token('provider');
    h.network.delayMs = 400;
    const response = await h.send({ method: 'GET', url: '/fhir/Patient/x', user: 'provider' });
    assert.equal(response.statusCode, 504);
    assert.equal(outcomeCode(response), 'GW_DEADLINE_EXCEEDED');
    assert.equal(h.admission.inFlight, 1, 'the ledger call is still running');
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(h.admission.inFlight, 0);
  });

  it('logs one line per request with a request id and no tokens, PHI or patient ids', async () => {
    const h = await createHarness();
    const token = await h.token('provider');
    await h.send({
      method: 'PUT',
      url: '/fhir/Patient/p-secret-42',
      token,
      headers: { 'x-request-id': 'req-abc-1' },
      body: { resourceType: 'Patient', id: 'p-secret-42', name: [{ family: 'Zebedee' }] },
    });
    const response = await h.send({ method: 'GET', url: '/fhir/Observation?patient=p-secret-42', token });
    assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const logs = h.logLines.join('');
    assert.match(logs, /"reqId":"req-abc-1"/);
    for (const line of h.logLines)
      assert.ok((line.match(/"reqId"/g) ?? []).length <= 1, `reqId twice: ${line}`);
    assert.match(logs, /"route":"\/fhir\/:type\/:id"/);
    assert.doesNotMatch(logs, /p-secret-42|Zebedee|alice-pw|Bearer|eyJ/);
  });

  it('graceful shutdown finishes the request in flight and refuses new connections', async () => {
    const h = await createHarness({ requestTimeoutMs: 5000 });
    const token = await h.token('provider');
    h.network.delayMs = 300;
    const running = await listenGateway(h.app, { host: '127.0.0.1', port: 0, shutdownGraceMs: 3000 });
    const inFlight = fetch(`${running.address}/fhir/Patient/x`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = running.close();
    const answered = await inFlight;
    assert.equal(answered.status, 404);
    assert.equal(await closed, 'drained');
    await assert.rejects(fetch(`${running.address}/healthz`));
  });
});
