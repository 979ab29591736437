import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caliperRows } from './caliper-table.js';
import { parseK6Summary } from './k6-summary.js';
import type { LoadObservations, RequestSample } from './observations.js';
import { failureLayer } from './failure-layers.js';
import { buildReport, errorCounts, operationStats, responseTimeRanges, type ReportInput } from './report.js';
import { repoRoot } from './repo-root.js';
import { buildTimeline } from './timeline.js';

/** A summary recorded from a real k6 v1.8.1 smoke run against the test gateway (all thresholds held). */
const recordedFile = path.join(repoRoot(), 'loadtests', 'runner', 'fixtures', 'smoke-summary.json');
const recorded = parseK6Summary(readFileSync(recordedFile, 'utf8'), recordedFile);

const T0 = Date.parse('2026-01-01T00:00:00Z');
const sample = (
  second: number,
  durationMs: number,
  op: string,
  status: number,
  rate?: string,
): RequestSample => ({
  timeMs: T0 + second * 1000,
  durationMs,
  op,
  rate,
  status,
  ok: status >= 200 && status < 400,
});

const observations: LoadObservations = {
  requests: [
    sample(0, 500, 'create', 201),
    sample(1, 900, 'create', 201),
    sample(2, 1500, 'retrieve', 200),
    sample(6, 100, 'modify', 412),
    sample(7, 60_000, 'retrieve', 0),
  ],
  vus: [
    { timeMs: T0, value: 2 },
    { timeMs: T0 + 6000, value: 5 },
  ],
  acknowledged: [
    { key: 'Patient/a', version: '1', op: 'create' },
    { key: 'Patient/b', version: '1', op: 'create' },
  ],
  failures: [
    { op: 'retrieve', status: 0, code: 'no-response', count: 1 },
    { op: 'modify', status: 412, code: 'GW_VERSION_MISMATCH', count: 1 },
  ],
  droppedIterations: {},
};

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    scenario: 'smoke',
    baseUrl: 'http://127.0.0.1:8080',
    startedAt: '2026-01-01T00:00:00.000Z',
    k6Version: 'k6 v1.8.1',
    k6ExitCode: 0,
    summary: recorded,
    observations,
    acknowledged: { checked: 2, onLedger: 2, missing: [] },
    bucketSeconds: 5,
    timelineSvg: 'timeline.svg',
    dashboardHtml: 'dashboard.html',
    sut: {
      recording: undefined,
      rawFile: 'sut.json',
      chartFile: 'sut.svg',
      notMonitoredReason: 'not in this test',
    },
    ...overrides,
  };
}

describe('report builder', () => {
  it('sorts requests into Gatling response-time ranges, failed apart whatever their duration', () => {
    assert.deepEqual(responseTimeRanges(observations.requests), {
      under800: 1,
      from800To1200: 1,
      over1200: 1,
      failed: 2,
      total: 5,
    });
  });

  it('computes per-operation counts, %KO and interpolated percentiles', () => {
    const stats = operationStats(observations.requests);
    assert.deepEqual(
      stats.map((s) => [s.op, s.count, s.ko]),
      [
        ['All requests', 5, 2],
        ['create', 2, 0],
        ['retrieve', 2, 1],
        ['modify', 1, 1],
      ],
    );
    const create = stats[1];
    assert.ok(create !== undefined);
    assert.equal(create.p50Ms, 700);
    assert.equal(create.p95Ms, 880);
    assert.equal(stats[2]?.koPercent, 50);
  });

  it('counts errors by status and operation, no-response as status 0', () => {
    assert.deepEqual(errorCounts(observations.requests), [
      { status: 0, op: 'retrieve', count: 1 },
      { status: 412, op: 'modify', count: 1 },
    ]);
  });

  it('says which layer each failure came from, by its OperationOutcome code', () => {
    const report = buildReport(input());
    assert.match(
      report,
      /\| 412 \| modify \| `GW_VERSION_MISMATCH` \| gateway \(If-Match\) \| the record changed since it was read \| 1 \|/,
    );
    assert.match(report, /\| 0 \| retrieve \| `no-response` \| client ↔ gateway \|/);
    assert.equal(failureLayer('CC_ERR_FORBIDDEN').layer, 'chaincode');
    assert.equal(failureLayer('MVCC_READ_CONFLICT').layer, 'Fabric validation');
    assert.equal(failureLayer('GW_OVERLOADED').layer, 'gateway back-pressure');
    assert.equal(failureLayer('WHATEVER').layer, 'unknown');
  });

  it('buckets active users and requests per second over time', () => {
    const timeline = buildTimeline(observations, 5);
    assert.deepEqual(
      timeline.map((b) => [b.startSecond, b.activeUsers, b.requestsPerSecond, b.failed]),
      [
        [0, 2, 0.6, 0],
        [5, 5, 0.4, 2],
      ],
    );
  });

  it('counts failed requests per bucket, as failures per second', () => {
    const timeline = buildTimeline(observations, 5);
    assert.deepEqual(
      timeline.map((b) => b.failedPerSecond),
      [0, 0.4],
    );
  });

  it('renders the recorded smoke summary: thresholds held, checks, Fabric phases, rows per operation', () => {
    const report = buildReport(input());
    assert.match(report, /^# Load report: smoke/);
    assert.match(report, /\| verdict \| \*\*PASSED\*\*: every SLO held \|/);
    assert.match(report, /\| `http_req_duration\{op:create\}` \| `p\(95\)<2500` \| held \|/);
    assert.match(report, /\| t < 800 ms \| 1 \| 20\.0 % \|/);
    assert.match(report, /\| failed \| 2 \| 40\.0 % \|/);
    assert.match(
      report,
      /\| create \| 2 \| 2 \| 0 \| 0\.0 % \| 500 \| 700 \| 800 \| 880 \| 896 \| 900 \| 700 \|/,
    );
    assert.match(report, /\| 412 \| modify \| 1 \|/);
    assert.match(report, /\| 0 \(no response\) \| retrieve \| 1 \|/);
    assert.match(report, /\| commit \| 60 \| 10\.0 \| 10\.0 \| 10\.0 \|/);
    assert.match(report, /\| create: status 201 \| 30 \| 0 \|/);
    assert.match(report, /!\[response time, requests and failed requests per second\]\(timeline\.svg\)/);
    assert.match(report, /\| k6 dashboard \| \[dashboard\.html\]\(dashboard\.html\)/);
    assert.match(report, /## System under test\n\n_not monitored: not in this test_/);
    assert.match(report, /2 acknowledged, 2 on the ledger, 0 missing/);
    assert.doesNotMatch(report, /Caliper/);
  });

  it('says FAILED with the reasons when a threshold was crossed and records are missing', () => {
    const summary = structuredClone(recorded);
    const failed = summary.metrics.http_req_failed;
    assert.ok(failed !== undefined);
    failed.thresholds = { 'rate<=0': true };
    const report = buildReport(
      input({
        summary,
        k6ExitCode: 99,
        acknowledged: {
          checked: 2,
          onLedger: 1,
          missing: ['Patient/b v1: not on the ledger (CC_ERR_NOT_FOUND)'],
        },
      }),
    );
    assert.match(
      report,
      /\*\*FAILED\*\*: 1 SLO threshold\(s\) crossed; 1 acknowledged write\(s\) missing from the ledger/,
    );
    assert.match(report, /\| `http_req_failed` \| `rate<=0` \| \*\*crossed\*\* \|/);
    assert.match(report, /- `Patient\/b v1: not on the ledger \(CC_ERR_NOT_FOUND\)`/);
  });

  it('adds the paper 002 Table 3 comparison for caliper, per op and send rate', () => {
    const caliper: RequestSample[] = [
      // open at 50 TPS: 3 sent over 2 s of window, 2 succeeded.
      { timeMs: T0 + 200, durationMs: 200, op: 'open', rate: '50', status: 201, ok: true },
      { timeMs: T0 + 1200, durationMs: 200, op: 'open', rate: '50', status: 201, ok: true },
      { timeMs: T0 + 2000, durationMs: 400, op: 'open', rate: '50', status: 500, ok: false },
      { timeMs: T0 + 5000, durationMs: 10, op: 'query', rate: '150', status: 200, ok: true },
      { timeMs: T0 + 5000, durationMs: 10, op: 'transfer-read', rate: '150', status: 200, ok: true },
    ];
    const rows = caliperRows(caliper);
    assert.deepEqual(
      rows.map((r) => [r.op, r.sendRateTps, r.sent, r.succeeded, r.throughputTps, r.paperThroughputTps]),
      [
        ['open', 50, 3, 2, 1, 50],
        ['query', 150, 1, 1, 100, 77],
      ],
    );
    assert.ok(Math.abs((rows[0]?.avgLatencyS ?? 0) - 0.2667) < 1e-3);
    const report = buildReport(
      input({
        scenario: 'caliper',
        observations: {
          requests: caliper,
          vus: [],
          acknowledged: [],
          failures: [],
          droppedIterations: { open_50tps: 4, transfer_250tps: 7 },
        },
      }),
    );
    assert.match(report, /## Caliper rounds beside paper 002, Table 3/);
    assert.match(report, /\| open \| 50 \| 3 \| 4 \| 2 \| 1\.0 \| 0\.267 \| 0\.400 \| 50 \| 0\.2 \|/);
    // A round whose every transaction was skipped still has its row, with no latency to show.
    assert.match(report, /\| transfer \| 250 \| 0 \| 7 \| 0 \| 0\.0 \| – \| – \| 92 \| 1\.3 \|/);
    assert.match(report, /open 946, query 1000, transfer 1000/);
  });
});
