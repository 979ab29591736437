/**
 * Builds report.md in the shape of a Gatling report from a k6 summary and the run's raw points. Pure: everything
 * it needs comes in as arguments, so it is tested on recorded data and the runner only writes the result.
 */
import { caliperRows, PAPER_002_SUCCEEDED_NOTE } from './caliper-table.js';
import { allChecks, metricNumber, thresholdOutcomes, type K6Summary } from './k6-summary.js';
import { failureLayer } from './failure-layers.js';
import { auditLine, type AcknowledgedCheck } from './ledger-audit.js';
import type { LoadObservations, RequestSample } from './observations.js';
import { markdownTable } from './markdown-table.js';
import { mean, percentile, sortedAscending } from './statistics.js';
import { sutSection, type SutReportInput } from './sut/sut-report.js';
import { buildTimeline } from './timeline.js';

export interface ReportInput {
  scenario: string;
  baseUrl: string;
  startedAt: string;
  k6Version: string;
  k6ExitCode: number;
  summary: K6Summary;
  observations: LoadObservations;
  /** Undefined when the check was skipped. */
  acknowledged: AcknowledgedCheck | undefined;
  bucketSeconds: number;
  /** File name of the timeline plot next to report.md, if one was written. */
  timelineSvg: string | undefined;
  /** File name of k6's exported web dashboard next to report.md; undefined when k6 did not write one. */
  dashboardHtml: string | undefined;
  sut: SutReportInput;
}

export interface OperationStats {
  op: string;
  count: number;
  ok: number;
  ko: number;
  koPercent: number;
  minMs: number;
  p50Ms: number;
  p75Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Gatling's response-time bands; failed requests are counted apart, whatever their duration. */
export interface ResponseTimeRanges {
  under800: number;
  from800To1200: number;
  over1200: number;
  failed: number;
  total: number;
}

export function responseTimeRanges(requests: readonly RequestSample[]): ResponseTimeRanges {
  const ranges: ResponseTimeRanges = {
    under800: 0,
    from800To1200: 0,
    over1200: 0,
    failed: 0,
    total: requests.length,
  };
  for (const request of requests) {
    if (!request.ok) ranges.failed += 1;
    else if (request.durationMs < 800) ranges.under800 += 1;
    else if (request.durationMs < 1200) ranges.from800To1200 += 1;
    else ranges.over1200 += 1;
  }
  return ranges;
}

function statsFor(op: string, requests: readonly RequestSample[]): OperationStats {
  const sorted = sortedAscending(requests.map((r) => r.durationMs));
  const ko = requests.filter((r) => !r.ok).length;
  return {
    op,
    count: requests.length,
    ok: requests.length - ko,
    ko,
    koPercent: requests.length === 0 ? 0 : (ko / requests.length) * 100,
    minMs: sorted[0] ?? Number.NaN,
    p50Ms: percentile(sorted, 50),
    p75Ms: percentile(sorted, 75),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    meanMs: mean(sorted),
  };
}

/** One row per op tag, in order of first appearance, plus an "All requests" row first. */
export function operationStats(requests: readonly RequestSample[]): OperationStats[] {
  const byOp = new Map<string, RequestSample[]>();
  for (const request of requests) {
    const list = byOp.get(request.op) ?? [];
    list.push(request);
    byOp.set(request.op, list);
  }
  return [statsFor('All requests', requests), ...[...byOp].map(([op, list]) => statsFor(op, list))];
}

export function errorCounts(
  requests: readonly RequestSample[],
): { status: number; op: string; count: number }[] {
  const counts = new Map<string, { status: number; op: string; count: number }>();
  for (const request of requests) {
    if (request.ok) continue;
    const key = `${request.status} ${request.op}`;
    const entry = counts.get(key) ?? { status: request.status, op: request.op, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort(
    (a, b) => b.count - a.count || a.status - b.status || a.op.localeCompare(b.op),
  );
}

const ms = (value: number): string => (Number.isFinite(value) ? String(Math.round(value)) : '–');
const fixed = (value: number | undefined, digits: number): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–';
const share = (part: number, total: number): string =>
  total === 0 ? '0.0 %' : `${((part / total) * 100).toFixed(1)} %`;

function verdict(input: ReportInput): string {
  const crossed = thresholdOutcomes(input.summary).filter((t) => t.crossed);
  const missing = input.acknowledged?.missing.length ?? 0;
  if (input.k6ExitCode === 0 && crossed.length === 0 && missing === 0) return '**PASSED**: every SLO held';
  const reasons: string[] = [];
  if (crossed.length > 0) reasons.push(`${crossed.length} SLO threshold(s) crossed`);
  if (input.k6ExitCode !== 0 && input.k6ExitCode !== 99) reasons.push(`k6 exited ${input.k6ExitCode}`);
  if (missing > 0) reasons.push(`${missing} acknowledged write(s) missing from the ledger`);
  return `**FAILED**: ${reasons.join('; ')}`;
}

export function buildReport(input: ReportInput): string {
  const { requests } = input.observations;
  const out: string[] = [];
  out.push(`# Load report: ${input.scenario}`, '');
  out.push(
    markdownTable(
      ['run', 'value'],
      [
        ['scenario', input.scenario],
        ['target', input.baseUrl],
        ['started', input.startedAt],
        ['k6', input.k6Version],
        ['k6 exit code', String(input.k6ExitCode)],
        ['verdict', verdict(input)],
        [
          'k6 dashboard',
          input.dashboardHtml === undefined
            ? `not written: k6 wrote no dashboard.html for this run (k6 exit ${input.k6ExitCode})`
            : `[${input.dashboardHtml}](${input.dashboardHtml}) (k6's own HTML report, opens offline)`,
        ],
      ],
    ),
    '',
  );

  out.push('## SLO thresholds', '');
  const outcomes = thresholdOutcomes(input.summary);
  out.push(
    outcomes.length === 0
      ? '_no thresholds in the summary_'
      : markdownTable(
          ['metric', 'threshold', 'result'],
          outcomes.map((t) => [`\`${t.metric}\``, `\`${t.expression}\``, t.crossed ? '**crossed**' : 'held']),
        ),
    '',
  );

  const ranges = responseTimeRanges(requests);
  out.push('## Response time ranges', '');
  out.push(
    markdownTable(
      ['range', 'requests', 'share'],
      [
        ['t < 800 ms', String(ranges.under800), share(ranges.under800, ranges.total)],
        ['800 ms ≤ t < 1200 ms', String(ranges.from800To1200), share(ranges.from800To1200, ranges.total)],
        ['t ≥ 1200 ms', String(ranges.over1200), share(ranges.over1200, ranges.total)],
        ['failed', String(ranges.failed), share(ranges.failed, ranges.total)],
      ],
    ),
    '',
  );

  out.push(
    '## Requests per operation',
    '',
    'Times in milliseconds; KO = status outside 2xx/3xx or no response.',
    '',
  );
  out.push(
    markdownTable(
      ['operation', 'count', 'OK', 'KO', '% KO', 'min', 'p50', 'p75', 'p95', 'p99', 'max', 'mean'],
      operationStats(requests).map((s) => [
        s.op,
        String(s.count),
        String(s.ok),
        String(s.ko),
        `${s.koPercent.toFixed(1)} %`,
        ms(s.minMs),
        ms(s.p50Ms),
        ms(s.p75Ms),
        ms(s.p95Ms),
        ms(s.p99Ms),
        ms(s.maxMs),
        ms(s.meanMs),
      ]),
    ),
    '',
  );

  out.push('## Errors', '');
  const errors = errorCounts(requests);
  out.push(
    errors.length === 0
      ? '_no failed requests_'
      : markdownTable(
          ['status', 'operation', 'count'],
          errors.map((e) => [e.status === 0 ? '0 (no response)' : String(e.status), e.op, String(e.count)]),
        ),
    '',
  );
  if (input.observations.failures.length > 0) {
    out.push(
      '### Which layer failed',
      '',
      markdownTable(
        ['status', 'operation', 'code', 'layer', 'what it means', 'count'],
        input.observations.failures.map((f) => {
          const { layer, meaning } = failureLayer(f.code);
          return [
            f.status === 0 ? '0' : String(f.status),
            f.op,
            `\`${f.code}\``,
            layer,
            meaning,
            String(f.count),
          ];
        }),
      ),
      '',
    );
  }

  out.push('## Fabric phases (from Server-Timing)', '');
  const phases = ['fabric_endorse', 'fabric_submit', 'fabric_commit'].filter(
    (m) => input.summary.metrics[m] !== undefined,
  );
  out.push(
    phases.length === 0
      ? '_the gateway sent no Server-Timing phases_'
      : markdownTable(
          ['phase', 'count', 'avg ms', 'p95 ms', 'max ms'],
          phases.map((m) => [
            m.replace('fabric_', ''),
            fixed(metricNumber(input.summary, m, 'count'), 0),
            fixed(metricNumber(input.summary, m, 'avg'), 1),
            fixed(metricNumber(input.summary, m, 'p(95)'), 1),
            fixed(metricNumber(input.summary, m, 'max'), 1),
          ]),
        ),
    '',
  );

  out.push('## Checks', '');
  const checks = allChecks(input.summary.root_group);
  out.push(
    checks.length === 0
      ? '_no checks ran_'
      : markdownTable(
          ['check', 'passed', 'failed'],
          checks.map((c) => [c.name, String(c.passes), String(c.fails)]),
        ),
    '',
  );

  if (input.scenario === 'caliper') {
    out.push('## Caliper rounds beside paper 002, Table 3', '');
    out.push(
      markdownTable(
        [
          'op',
          'send rate (TPS)',
          'sent',
          'not started',
          'succeeded',
          'throughput (TPS)',
          'avg latency (s)',
          'max latency (s)',
          'paper throughput (TPS)',
          'paper avg latency (s)',
        ],
        caliperRows(requests, input.observations.droppedIterations).map((row) => [
          row.op,
          String(row.sendRateTps),
          String(row.sent),
          String(row.dropped),
          String(row.succeeded),
          fixed(row.throughputTps, 1),
          fixed(row.avgLatencyS, 3),
          fixed(row.maxLatencyS, 3),
          fixed(row.paperThroughputTps, 0),
          fixed(row.paperAvgLatencyS, 1),
        ]),
      ),
      '',
      `${PAPER_002_SUCCEEDED_NOTE} Throughput here = succeeded ÷ (last response − first request start) of the round; sent counts requests answered or failed (a timeout is a failure), not started counts transactions k6 had no free VU for.`,
      '',
    );
  }

  out.push(`## Over time (${input.bucketSeconds} s buckets)`, '');
  if (input.timelineSvg !== undefined)
    out.push(`![response time, requests and failed requests per second](${input.timelineSvg})`, '');
  const timeline = buildTimeline(input.observations, input.bucketSeconds);
  out.push(
    timeline.length === 0
      ? '_no samples_'
      : markdownTable(
          ['t (s)', 'active users', 'req/s', 'mean ms', 'p95 ms', 'KO'],
          timeline.map((b) => [
            String(b.startSecond),
            String(b.activeUsers),
            b.requestsPerSecond.toFixed(1),
            ms(b.meanMs),
            ms(b.p95Ms),
            String(b.failed),
          ]),
        ),
    '',
  );

  out.push(...sutSection(input.sut));

  out.push('## Nothing lost: acknowledged-write audit', '');
  const ack = input.acknowledged;
  out.push(
    ack === undefined
      ? '_not checked (--skip-verify)_'
      : `${auditLine(ack)} — every create and modify answered 2xx, read back from the ledger with a provider's own identity, not through the gateway.`,
  );
  if (ack !== undefined && ack.missing.length > 0) {
    out.push('', 'First missing writes:', '', ...ack.missing.slice(0, 20).map((key) => `- \`${key}\``));
  }
  out.push('');
  return out.join('\n');
}
