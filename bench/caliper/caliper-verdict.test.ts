import assert from 'node:assert/strict';
import type { CaliperRoundResult } from './caliper-report.js';
import { judge, percentiles, type TxSample } from './caliper-verdict.js';
import type { CaliperRound } from './rounds.js';

const rounds: CaliperRound[] = [
  { op: 'open', tps: 10, transactions: 4 },
  { op: 'query', tps: 10, transactions: 4 },
];

function row(label: string, succ: number, fail: number): CaliperRoundResult {
  return {
    label,
    succ,
    fail,
    sendRateTps: 10,
    maxLatencyS: succ > 0 ? 0.2 : null,
    minLatencyS: succ > 0 ? 0.1 : null,
    avgLatencyS: succ > 0 ? 0.15 : null,
    throughputTps: 10,
  };
}

const sample = (latencyMs: number, ok = true): TxSample => ({ created: 0, latencyMs, ok });

describe('Caliper verdict', () => {
  it('passes when every round is reported with all transactions successful, with percentiles from the samples', () => {
    const verdict = judge(
      rounds,
      [row('open-10tps', 4, 0), row('query-10tps', 4, 0)],
      new Map([[0, [sample(40), sample(10), sample(30), sample(20)]]]),
    );
    assert.equal(verdict.ok, true);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.rounds[0]?.latency, { p50Ms: 20, p95Ms: 40, p99Ms: 40 });
    assert.equal(verdict.rounds[1]?.latency, undefined);
  });

  it('fails on failed, unfinished, missing and all-failed rounds, naming each', () => {
    assert.deepEqual(judge(rounds, [row('open-10tps', 3, 1)], new Map()).problems, [
      'open-10tps: 1 of 4 transactions failed',
      "query-10tps: not in Caliper's report",
    ]);
    assert.deepEqual(judge(rounds, [row('open-10tps', 0, 4), row('query-10tps', 2, 0)], new Map()).problems, [
      'open-10tps: no successful transaction',
      'open-10tps: 4 of 4 transactions failed',
      'query-10tps: 2 of 4 transactions finished',
    ]);
  });

  it('fails a committed CreateRecords that did not create every item', () => {
    const verdict = judge(
      rounds,
      [row('open-10tps', 4, 0), row('query-10tps', 4, 0)],
      new Map([[0, [{ ...sample(10), problem: 'created 0 of 1 items' }]]]),
    );
    assert.deepEqual(verdict.problems, [
      'open-10tps: 1 committed CreateRecords did not create every item (created 0 of 1 items)',
    ]);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(percentiles(values), { p50Ms: 50, p95Ms: 95, p99Ms: 99 });
    assert.throws(() => percentiles([]), RangeError);
  });
});
