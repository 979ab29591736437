import assert from 'node:assert/strict';
import type { SutRow } from '../../loadtests/runner/sut/sut-summary.js';
import type { CaliperRow } from '../../loadtests/runner/caliper-table.js';
import type { LoadObservations, RequestSample } from '../../loadtests/runner/observations.js';
import type { RoundFigures } from '../caliper/caliper-verdict.js';
import { papersSummary, toolComparison } from './papers-summary.js';

const request = (timeMs: number, durationMs: number, op: string, ok = true): RequestSample => ({
  timeMs,
  durationMs,
  op,
  rate: undefined,
  status: ok ? 200 : 0,
  ok,
});

const ramp: LoadObservations = {
  requests: [
    request(1_000, 500, 'create'),
    request(2_000, 900, 'retrieve'),
    request(3_000, 1_500, 'modify'),
    request(4_000, 60_000, 'create', false),
  ],
  vus: [
    { timeMs: 0, value: 10 },
    { timeMs: 100_000, value: 1_950 },
  ],
  acknowledged: [],
  failures: [],
  droppedIterations: {},
};

const k6Row = (op: string, rate: number, throughputTps: number, avgLatencyS: number): CaliperRow => ({
  op,
  sendRateTps: rate,
  sent: 1000,
  dropped: 0,
  succeeded: 990,
  throughputTps,
  avgLatencyS,
  maxLatencyS: avgLatencyS * 3,
  paperThroughputTps: undefined,
  paperAvgLatencyS: undefined,
});

const sutRow = (
  role: SutRow['role'],
  name: string,
  memoryMaxMb: number,
  memoryAvgMb: number,
  cpuMaxPercent: number,
  cpuAvgPercent: number,
): SutRow => ({
  name,
  role,
  pid: 1,
  samples: 10,
  cpuAvgPercent,
  cpuMaxPercent,
  memoryAvgMb,
  memoryMaxMb,
  diskReadMb: null,
  diskWriteMb: null,
  tcpInMb: null,
  tcpOutMb: null,
  status: 'ran throughout',
});

const round = (
  op: 'open' | 'query',
  tps: number,
  throughputTps: number,
  avgLatencyS: number,
): RoundFigures => ({
  op,
  tps,
  transactions: 1000,
  label: `${op}-${tps}tps`,
  caliper: {
    label: `${op}-${tps}tps`,
    succ: 1000,
    fail: 0,
    sendRateTps: tps,
    maxLatencyS: avgLatencyS * 2,
    minLatencyS: 0.01,
    avgLatencyS,
    throughputTps,
  },
  samples: 1000,
  problems: [],
});

describe('papers summary page', () => {
  const rows = [k6Row('open', 50, 40, 0.4), k6Row('query', 50, 50, 0.1)];
  const rounds = [round('open', 50, 50, 0.2), round('query', 50, 50, 0.05)];

  it('compares the tools round by round', () => {
    const comparison = toolComparison(rows, rounds);
    assert.ok(comparison !== undefined);
    assert.equal(comparison.rounds, 2);
    assert.equal(comparison.throughputRatio, (40 + 50) / (50 + 50));
    assert.equal(comparison.latencyRatio, (0.4 + 0.1) / (0.2 + 0.05));
    assert.deepEqual(comparison.caliperBelowTarget, []);
    assert.deepEqual(comparison.k6Dropped, []);
    assert.deepEqual(comparison.k6Unanswered, []);
    assert.equal(toolComparison(rows, []), undefined);
  });

  it('notes rounds where Caliper sent below the target rate, and where k6 skipped or lost track of transactions', () => {
    const throttled = round('open', 50, 30, 0.2);
    assert.ok(throttled.caliper !== undefined);
    const lighter = { ...throttled, caliper: { ...throttled.caliper, sendRateTps: 31 } };
    const comparison = toolComparison(
      [
        { ...k6Row('open', 50, 40, 2), sent: 700, dropped: 250 },
        { ...k6Row('query', 150, 40, 2), sent: 1000, dropped: 0 },
      ],
      [lighter, round('query', 150, 150, 0.01)],
    );
    assert.ok(comparison !== undefined);
    assert.deepEqual(comparison.caliperBelowTarget, ['open 50 TPS (sent at 31.0)']);
    assert.deepEqual(comparison.k6Dropped, ['open 50 TPS (250 of 1000)']);
    assert.deepEqual(comparison.k6Unanswered, ['open 50 TPS (50 of 1000)']);
  });

  it('writes both papers beside our runs, with provenance, failures and chart links', () => {
    const page = papersSummary({
      environment: {
        commit: 'abc123',
        dirty: false,
        node: 'v20',
        platform: 'linux',
        cpus: 2,
        cpuModel: 'EPYC',
        memoryGiB: 23.5,
        startedAt: '2026-11-30T00:00:00Z',
      },
      command: 'npx fhirledger bench papers',
      profiles: { ramp: 'dev', table3: 'paper', rampNote: 'the paper profile is too slow for 2000 VUs' },
      ramp,
      rampAudit: { checked: 3, onLedger: 3, missing: [] },
      rampFailures: ['SLO breached (k6 exit 99): http_req_failed rate<=0.01'],
      k6CaliperRows: rows,
      k6CaliperAudit: { checked: 7, onLedger: 6, missing: ['Patient/x'] },
      k6CaliperFailures: [],
      k6CaliperSut: [
        sutRow('peer', 'peer0.org1.example.com', 180.5, 150.25, 53.1, 31.9),
        sutRow('raft', 'raft.orderer.example.com', 40, 30, 5, 2),
      ],
      caliperRounds: rounds,
      caliperProblems: [],
      vusMax: 2000,
    })('2026-11-30-papers');
    assert.match(page, /\| failed requests \| 0 \| 1 \(25\.0 %\) \|/);
    assert.match(page, /\| t < 800 ms \| Fig\. 3 \(bar only\) \| 1 \(25\.0 %\) \|/);
    assert.match(page, /\| peak active users \| 1706 \| 1950 \|/);
    assert.match(
      page,
      /\| open \| 50 \| 50 \| 0\.20 \| 990\/1000 \| 40\.0 \| 0\.40 \| 1000\/1000 \| 50\.0 \| 0\.20 \|/,
    );
    // A paper row nobody measured is still shown, with dashes for our columns.
    assert.match(page, /\| transfer \| 250 \| 92 \| 1\.30 \| – \| – \| – \| – \| – \| – \|/);
    assert.match(page, /open 946, query 1000, transfer 1000/);
    // Paper 002 Tables 4–5 beside our sampled nodes; a node the paper does not name gets dashes.
    assert.match(
      page,
      /\| peer \| peer0\.org1\.example\.com \| 403\.8 \/ 389\.3 \| 5\.23 \/ 3\.13 \| 405\.7 \/ 138\.0 \| 6\.47 \/ 3\.16 \| 180\.5 \/ 150\.3 \| 53\.10 \/ 31\.90 \|/,
    );
    assert.match(
      page,
      /\| raft \| raft\.orderer\.example\.com \| – \| – \| – \| – \| 40\.0 \/ 30\.0 \| 5\.00 \/ 2\.00 \|/,
    );
    assert.match(
      page,
      /k6's throughput \(summed over them\) is 0\.90× Caliper's and its round-average latency \(summed\) 2\.00× Caliper's/,
    );
    assert.match(page, /3 acknowledged, 3 on the ledger, 0 missing/);
    assert.match(page, /both tools sent every round at its rate/);
    assert.match(page, /- SLO breached/);
    assert.match(page, /\]\(2026-11-30-papers\/ramp\/timeline\.svg\)/);
    assert.match(page, /\| commit \| abc123 \|/);
    // Each paper names the network it ran on, and why the ramp is not on paper 002's topology.
    assert.match(page, /\| network, paper 000 \| fabric-devnet `dev` profile: 1 orderer, 1 peer/);
    assert.match(
      page,
      /\| network, paper 002 \| fabric-devnet `paper` profile: 3 orgs × 2 peers \(MAJORITY endorsement\)/,
    );
    assert.match(page, /Why the ramp is not on `paper`: the paper profile is too slow for 2000 VUs\./);
    assert.match(page, /k6's acknowledged-write audit: 7 acknowledged, 6 on the ledger, 1 missing/);
  });
});
