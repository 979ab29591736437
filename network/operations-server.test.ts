import assert from 'node:assert/strict';
import { OrdererMetrics } from './orderer/metrics.js';
import { startOperationsServer } from './operations-server.js';

describe('operations server', () => {
  it('answers 503 with failed_checks when a component is down, as Fabric healthz does', async () => {
    const failed = [{ component: 'channel:mychannel', reason: 'ordering halted: ENOSPC' }];
    const metrics = new OrdererMetrics();
    const ops = await startOperationsServer({ port: 0 }, { metrics: () => metrics.render(), failedChecks: () => failed });
    try {
      const response = await fetch(`http://127.0.0.1:${ops.port}/healthz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { status: string; failed_checks: unknown };
      assert.equal(body.status, 'Service Unavailable');
      assert.deepEqual(body.failed_checks, failed);
      assert.equal((await fetch(`http://127.0.0.1:${ops.port}/healthz`, { method: 'POST' })).status, 405);
    } finally {
      await ops.close();
    }
  });

  it('renders metrics in Prometheus text format with escaped labels', () => {
    const metrics = new OrdererMetrics();
    metrics.add(
      'broadcast_processed_count',
      { channel: 'a"b', status: 'SUCCESS', type: 'ENDORSER_TRANSACTION' },
      2,
    );
    metrics.set('ledger_blockchain_height', { channel: 'mychannel' }, 7);
    const text = metrics.render();
    assert.match(text, /^# TYPE broadcast_processed_count counter$/m);
    assert.match(
      text,
      /^broadcast_processed_count\{channel="a\\"b",status="SUCCESS",type="ENDORSER_TRANSACTION"\} 2$/m,
    );
    assert.match(text, /^ledger_blockchain_height\{channel="mychannel"\} 7$/m);
  });
});
