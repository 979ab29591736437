/**
 * The papers' tables with our columns beside theirs, as Markdown. Pure: the runs' figures in, text out, so the
 * summary page is tested on recorded figures and the bench only writes what this returns.
 */
import type { CaliperRow } from '../../loadtests/runner/caliper-table.js';
import type { LoadObservations } from '../../loadtests/runner/observations.js';
import { operationStats, responseTimeRanges } from '../../loadtests/runner/report.js';
import { extent } from '../../loadtests/runner/statistics.js';
import type { RoundFigures } from '../caliper/caliper-verdict.js';
import type { SutRow } from '../../loadtests/runner/sut/sut-summary.js';
import {
  PAPER_000_GATLING,
  PAPER_002_SUCCEEDED_NOTE,
  PAPER_002_TABLE_3,
  PAPER_002_TABLES_4_5,
  type PaperResourceUse,
} from './paper-figures.js';

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '–');
const pct = (part: number, whole: number): string =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
const num = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** Paper 000's Gatling run beside our k6 ramp over the gateway on the devnet. */
export function paper000Table(ramp: LoadObservations, vusMax: number): string {
  const requests = ramp.requests.filter((request) => request.op !== 'healthz');
  const ranges = responseTimeRanges(requests);
  const all = operationStats(requests).find((row) => row.op === 'All requests');
  const peakUsers = ramp.vus.length === 0 ? 0 : extent(ramp.vus.map((sample) => sample.value)).max;
  const window =
    requests.length === 0
      ? 0
      : (extent(requests.map((r) => r.timeMs)).max -
          extent(requests.map((r) => r.timeMs - r.durationMs)).min) /
        1000;
  const perOp = operationStats(requests)
    .filter((row) => row.op !== 'All requests')
    .map(
      (row) =>
        `| ${row.op} | ${row.count} | ${row.ko} (${row.koPercent.toFixed(1)} %) | ${ms(row.meanMs)} | ${ms(row.p50Ms)} | ${ms(row.p95Ms)} | ${ms(row.p99Ms)} | ${ms(row.maxMs)} |`,
    );
  const paper = PAPER_000_GATLING;
  return [
    `| figure | paper 000 (Gatling, ${paper.users.from} → ${paper.users.to} users / ${paper.users.overSeconds} s) | ours (k6 ramp, 10 → ${vusMax} VUs / 100 s) |`,
    '| --- | --- | --- |',
    `| requests | not printed | ${ranges.total} |`,
    `| failed requests | ${paper.failedRequests} | ${ranges.failed} (${pct(ranges.failed, ranges.total)}) |`,
    `| t < 800 ms | Fig. 3 (bar only) | ${ranges.under800} (${pct(ranges.under800, ranges.total)}) |`,
    `| 800 ms ≤ t < 1200 ms | Fig. 3 (bar only) | ${ranges.from800To1200} (${pct(ranges.from800To1200, ranges.total)}) |`,
    `| t ≥ 1200 ms | Fig. 3 (bar only) | ${ranges.over1200} (${pct(ranges.over1200, ranges.total)}) |`,
    `| response time | "just over ${paper.taskSeconds} s" per task | mean ${ms(all?.meanMs ?? Number.NaN)} ms, p50 ${ms(all?.p50Ms ?? Number.NaN)} ms, p95 ${ms(all?.p95Ms ?? Number.NaN)} ms |`,
    `| peak active users | ${paper.peakActiveUsers} | ${peakUsers} |`,
    `| requests per second | not printed | ${num(window === 0 ? undefined : ranges.total / window)} |`,
    '',
    '| operation | requests | failed | mean ms | p50 | p95 | p99 | max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...perOp,
  ].join('\n');
}

/** Paper 002 Table 3 beside the same rounds driven by k6 through the gateway and by Caliper straight at the peer. */
export function paper002Table(k6Rows: readonly CaliperRow[], caliperRounds: readonly RoundFigures[]): string {
  const keys = new Set<string>();
  for (const row of k6Rows) keys.add(`${row.op}@${row.sendRateTps}`);
  for (const round of caliperRounds) keys.add(`${round.op}@${round.tps}`);
  for (const [op, rates] of Object.entries(PAPER_002_TABLE_3))
    for (const rate of Object.keys(rates)) keys.add(`${op}@${rate}`);
  const order = ['open', 'query', 'transfer'];
  const sorted = [...keys].sort((a, b) => {
    const [opA = '', rateA = '0'] = a.split('@');
    const [opB = '', rateB = '0'] = b.split('@');
    return order.indexOf(opA) - order.indexOf(opB) || Number(rateA) - Number(rateB);
  });
  const rows = sorted.map((key) => {
    const [op = '', rateText = '0'] = key.split('@');
    const rate = Number(rateText);
    const paper = PAPER_002_TABLE_3[op]?.[rate];
    const k6 = k6Rows.find((row) => row.op === op && row.sendRateTps === rate);
    const caliper = caliperRounds.find((round) => round.op === op && round.tps === rate)?.caliper;
    return [
      op,
      String(rate),
      num(paper?.throughputTps, 0),
      num(paper?.avgLatencyS, 2),
      k6 === undefined
        ? '–'
        : `${k6.succeeded}/${k6.sent}${k6.dropped > 0 ? ` (${k6.dropped} not started)` : ''}`,
      num(k6?.throughputTps),
      num(k6?.avgLatencyS, 2),
      caliper === undefined ? '–' : `${caliper.succ}/${caliper.succ + caliper.fail}`,
      num(caliper?.throughputTps),
      num(caliper?.avgLatencyS ?? undefined, 2),
    ];
  });
  return [
    '| op | send TPS | paper TPS | paper avg s | k6 ok/sent | k6 TPS | k6 avg s | Caliper ok/sent | Caliper TPS | Caliper avg s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    PAPER_002_SUCCEEDED_NOTE,
  ].join('\n');
}

const memory = (use: PaperResourceUse | undefined): string =>
  use === undefined ? '–' : `${num(use.memoryMaxMb)} / ${num(use.memoryAvgMb)}`;
const cpu = (use: PaperResourceUse | undefined): string =>
  use === undefined ? '–' : `${num(use.cpuMaxPercent, 2)} / ${num(use.cpuAvgPercent, 2)}`;

/**
 * Paper 002 Tables 4–5 (resource use per node after its first and second rounds) beside ours over the whole k6
 * Table 3 run: every node we sampled, the paper's figures where it names the same node.
 */
export function paper002ResourceTable(sut: readonly SutRow[]): string {
  const rows = sut.map((row) => {
    const paper = PAPER_002_TABLES_4_5[row.name];
    return `| ${row.role} | ${row.name} | ${memory(paper?.table4)} | ${cpu(paper?.table4)} | ${memory(paper?.table5)} | ${cpu(paper?.table5)} | ${num(row.memoryMaxMb)} / ${num(row.memoryAvgMb)} | ${num(row.cpuMaxPercent, 2)} / ${num(row.cpuAvgPercent, 2)} |`;
  });
  return [
    '| type | node | paper T4 memory max / avg MB | paper T4 CPU max / avg % | paper T5 memory max / avg MB | paper T5 CPU max / avg % | ours memory max / avg MB | ours CPU max / avg % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
