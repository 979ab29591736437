import assert from 'node:assert/strict';
import type { RequestSample } from '../../loadtests/runner/observations.js';
import { judgeLoadFault, type LoadFaultFacts } from './load-fault-verdict.js';

const KILL = 1_000_000;
const fault = { killedAt: KILL, restartAt: KILL + 3000, readyAt: KILL + 4000 };

function request(op: string, endMs: number, durationMs: number, status: number): RequestSample {
  return { timeMs: endMs, durationMs, op, rate: undefined, status, ok: status >= 200 && status < 400 };
}

function facts(requests: RequestSample[], overrides: Partial<LoadFaultFacts> = {}): LoadFaultFacts {
  return {
    id: 'peer-kill-during-load',
    done: 'the peer killed',
    fault,
    requests,
    failures: [],
    audit: { checked: 3, onLedger: 3, missing: [] },
    k6ExitCode: 99,
    gatewayDeadlineMs: 30_000,
    expectation: 'retryable',
    ...overrides,
  };
}

describe('bench faults: the verdict of a process killed under load', () => {
  it('passes 503s during the outage and measures recovery to the first write begun after the restart', () => {
    const outcome = judgeLoadFault(
      facts([
        request('create', KILL - 500, 300, 201),
        request('create', KILL + 1000, 20, 503),
        // Began before the restart: not the recovery, though it ended after it.
        request('create', KILL + 3500, 1000, 201),
        request('retrieve', KILL + 4100, 50, 200),
        request('modify', KILL + 5200, 400, 200),
      ]),
    );
    assert.equal(outcome.passed, true, JSON.stringify(outcome.checks));
    assert.equal(outcome.recoverySeconds, 2.2);
    assert.equal(outcome.acknowledged, 3);
    assert.equal(outcome.onLedger, 3);
  });

  it('fails a 401 after the restart, a request past the deadline, a missing write, and a fault nobody saw', () => {
    const outcome = judgeLoadFault(
      facts(
        [
          request('create', KILL + 1000, 20, 503),
          request('create', KILL + 5000, 30, 401),
          request('create', KILL + 40_000, 33_000, 201),
        ],
        { audit: { checked: 3, onLedger: 2, missing: ['Patient/x v1: not on the ledger (NOT_FOUND)'] } },
      ),
    );
    assert.equal(outcome.passed, false);
    assert.equal(outcome.checks['every failure was a 503 / 504 (retryable)'], false);
    assert.equal(outcome.checks["no request outlived the gateway's 30 s deadline"], false);
    assert.equal(outcome.checks['every acknowledged write is on the ledger'], false);
    const unseen = judgeLoadFault(facts([request('create', KILL + 5000, 30, 201)]));
    assert.equal(unseen.checks['the fault reached the clients (≥ 1 failed request)'], false);
  });

  it('lets the gateway case fail with no response, and the CA case only when the load saw nothing', () => {
    const gateway = judgeLoadFault(
      facts([request('create', KILL + 10, 5, 0), request('retrieve', KILL + 3600, 40, 200)], {
        expectation: 'refused',
      }),
    );
    assert.equal(gateway.passed, true, JSON.stringify(gateway.checks));
    assert.equal(gateway.recoverySeconds, 0.6);
    const ca = judgeLoadFault(
      facts([request('create', KILL + 10, 5, 201)], {
        expectation: 'untouched',
        caProbe: { whileDown: { ok: false, ms: 12, error: 'connect ECONNREFUSED' }, recoveryMs: 900 },
      }),
    );
    assert.equal(ca.passed, true, JSON.stringify(ca.checks));
    assert.equal(ca.recoverySeconds, 0.9);
  });
});
