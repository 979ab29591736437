import assert from 'node:assert/strict';
import { collectObservations } from './observations.js';

const lines = [
  '{"type":"Metric","data":{"name":"http_req_duration","type":"trend"},"metric":"http_req_duration"}',
  '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:01Z","value":12.5,"tags":{"op":"create","status":"201","expected_response":"true"}}}',
  '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:02Z","value":30,"tags":{"op":"open","rate":"50","status":"500","expected_response":"false"}}}',
  '{"metric":"vus","type":"Point","data":{"time":"2026-01-01T00:00:02Z","value":7,"tags":{}}}',
  '{"metric":"acknowledged_writes","type":"Point","data":{"time":"2026-01-01T00:00:01Z","value":1,"tags":{"op":"create"},"metadata":{"record":"Patient/a1","version":"1"}}}',
  '{"metric":"acknowledged_writes","type":"Point","data":{"time":"2026-01-01T00:00:02Z","value":1,"tags":{"op":"modify"},"metadata":{"record":"Patient/a1","version":"2"}}}',
  '{"metric":"failed_requests","type":"Point","data":{"time":"2026-01-01T00:00:02Z","value":1,"tags":{"op":"open","status":"503","code":"GW_OVERLOADED"}}}',
  '{"metric":"failed_requests","type":"Point","data":{"time":"2026-01-01T00:00:03Z","value":1,"tags":{"op":"open","status":"503","code":"GW_OVERLOADED"}}}',
  '{"metric":"failed_requests","type":"Point","data":{"time":"2026-01-01T00:00:03Z","value":1,"tags":{"op":"login","status":"0","code":"no-response"}}}',
  '{"metric":"dropped_iterations","type":"Point","data":{"time":"2026-01-01T00:00:03Z","value":1,"tags":{"scenario":"open_250tps"}}}',
  '{"metric":"dropped_iterations","type":"Point","data":{"time":"2026-01-01T00:00:04Z","value":2,"tags":{"scenario":"open_250tps"}}}',
  '',
];

describe('collectObservations', () => {
  it('keeps requests with op, rate, status and ok; VU samples; every acknowledged write with its version', async () => {
    const observations = await collectObservations(lines);
    assert.deepEqual(observations.requests, [
      {
        timeMs: Date.parse('2026-01-01T00:00:01Z'),
        durationMs: 12.5,
        op: 'create',
        rate: undefined,
        status: 201,
        ok: true,
      },
      {
        timeMs: Date.parse('2026-01-01T00:00:02Z'),
        durationMs: 30,
        op: 'open',
        rate: '50',
        status: 500,
        ok: false,
      },
    ]);
    assert.deepEqual(observations.failures, [
      { op: 'open', status: 503, code: 'GW_OVERLOADED', count: 2 },
      { op: 'login', status: 0, code: 'no-response', count: 1 },
    ]);
    assert.deepEqual(observations.vus, [{ timeMs: Date.parse('2026-01-01T00:00:02Z'), value: 7 }]);
    assert.deepEqual(observations.acknowledged, [
      { key: 'Patient/a1', version: '1', op: 'create' },
      { key: 'Patient/a1', version: '2', op: 'modify' },
    ]);
    assert.deepEqual(observations.droppedIterations, { open_250tps: 3 });
  });

  it('names the line that is not JSON', async () => {
    await assert.rejects(
      collectObservations(['{"type":"Point"}', 'not json']),
      /line 2 is not JSON: not json/,
    );
  });
});
