import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failureReasons, parseCaliperLog, parseReportHtml } from './caliper-report.js';

// Real Caliper 0.6.0 output against the devnet: a passing run, and one whose identity had no role attribute.
const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../bench/caliper/fixtures/${name}`, import.meta.url)), 'utf8');

const OK_ROUNDS = [
  {
    label: 'open-10tps',
    succ: 20,
    fail: 0,
    sendRateTps: 10.6,
    maxLatencyS: 0.64,
    minLatencyS: 0.06,
    avgLatencyS: 0.24,
    throughputTps: 9.8,
  },
  {
    label: 'query-10tps',
    succ: 20,
    fail: 0,
    sendRateTps: 10.5,
    maxLatencyS: 0.05,
    minLatencyS: 0.01,
    avgLatencyS: 0.02,
    throughputTps: 10.3,
  },
  {
    label: 'transfer-10tps',
    succ: 20,
    fail: 0,
    sendRateTps: 10.5,
    maxLatencyS: 0.19,
    minLatencyS: 0.04,
    avgLatencyS: 0.12,
    throughputTps: 10.2,
  },
];

const FORBIDDEN_ROUNDS = [
  {
    label: 'open-10tps',
    succ: 0,
    fail: 5,
    sendRateTps: 13.1,
    maxLatencyS: null,
    minLatencyS: null,
    avgLatencyS: null,
    throughputTps: 12.2,
  },
];

describe('Caliper report reader', () => {
  it("reads report.html's summary table, one row per round", () => {
    assert.deepEqual(parseReportHtml(fixture('ok-report.html')), OK_ROUNDS);
  });

  it('reads the same figures from the log table, colours and all', () => {
    assert.deepEqual(parseCaliperLog(fixture('ok-caliper-log.txt')), OK_ROUNDS);
  });

  it('reads a round where every transaction failed ("-" latencies) from both sources', () => {
    assert.deepEqual(parseReportHtml(fixture('forbidden-report.html')), FORBIDDEN_ROUNDS);
    assert.deepEqual(parseCaliperLog(fixture('forbidden-caliper-log.txt')), FORBIDDEN_ROUNDS);
  });

  it("names why transactions failed, with the peer's message", () => {
    assert.deepEqual(failureReasons(fixture('forbidden-caliper-log.txt')), [
      {
        call: 'submit CreateRecords',
        reason:
          'chaincode response 500, CC_ERR_FORBIDDEN: CreateRecords needs a certificate attribute role of provider or migrator; caller has no role attribute',
        count: 5,
      },
    ]);
    assert.deepEqual(failureReasons(fixture('ok-caliper-log.txt')), []);
  });

  it('refuses a log without results and a table missing a column, saying which', () => {
    assert.throws(() => parseCaliperLog('2026.11.30 info [caliper] Benchmark started\n', 'x.log'), {
      name: 'CaliperReportError',
      code: 'CALIPER_REPORT_UNREADABLE',
      message: 'x.log has no "### All test results ###" table',
    });
    assert.throws(
      () => parseReportHtml('<table><tr><th>Name</th><th>Succ</th></tr></table>', 'r.html'),
      /r\.html: the results table has no "Fail" column \(columns: Name, Succ\)/,
    );
    assert.throws(() => parseReportHtml('<p>no table</p>', 'r.html'), /r\.html has no summary table/);
  });
});
