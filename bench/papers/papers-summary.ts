/**
 * The papers' summary page (results/README.md and the run folder's README.md): set-up and provenance, paper 000's
 * table, paper 002's Table 3 with k6 and Caliper beside it, what the two tools disagree on and why, the charts, and
 * what differs from the papers' set-ups. Machine-written from the runs' figures; pure, so it is tested on
 * recorded figures.
 */
import type { RunEnvironment } from '../run-folder.js';
import type { CaliperRow } from '../../loadtests/runner/caliper-table.js';
import type { AcknowledgedCheck } from '../../loadtests/runner/ledger-audit.js';
import { auditLine } from '../../loadtests/runner/ledger-audit.js';
import type { LoadObservations } from '../../loadtests/runner/observations.js';
import type { RoundFigures } from '../caliper/caliper-verdict.js';
import { PAPER_000_GATLING, PAPER_002_SETUP } from './paper-figures.js';
import { paper000Table, paper002Table } from './paper-tables.js';

export interface PapersSummaryInput {
  environment: RunEnvironment;
  command: string;
  ramp: LoadObservations;
  rampAudit: AcknowledgedCheck | undefined;
  rampFailures: readonly string[];
  k6CaliperRows: readonly CaliperRow[];
  k6CaliperFailures: readonly string[];
  caliperRounds: readonly RoundFigures[];
  caliperProblems: readonly string[];
  vusMax: number;
}

/** Compares the tools round by round: mean ratio of k6's throughput and latency to Caliper's. */
export function toolComparison(
  k6Rows: readonly CaliperRow[],
  caliperRounds: readonly RoundFigures[],
): { rounds: number; throughputRatio: number; latencyRatio: number } | undefined {
  const pairs = k6Rows.flatMap((row) => {
    const caliper = caliperRounds.find(
      (round) => round.op === row.op && round.tps === row.sendRateTps,
    )?.caliper;
    return caliper === undefined || caliper.throughputTps === 0 || caliper.avgLatencyS === null
      ? []
      : [{ k6: row, caliper }];
  });
  if (pairs.length === 0) return undefined;
  const meanOf = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    rounds: pairs.length,
    throughputRatio: meanOf(pairs.map((pair) => pair.k6.throughputTps / pair.caliper.throughputTps)),
    latencyRatio: meanOf(
      pairs.map((pair) => pair.k6.avgLatencyS / Math.max(pair.caliper.avgLatencyS ?? Number.NaN, 1e-6)),
    ),
  };
}

const list = (items: readonly string[]): string[] =>
  items.length === 0 ? ['- none'] : items.map((item) => `- ${item}`);

/** The page, with links relative to `folder` (the run folder's name from results/, or '.' inside it). */
export function papersSummary(input: PapersSummaryInput): (folder: string) => string {
  const env = input.environment;
  const comparison = toolComparison(input.k6CaliperRows, input.caliperRounds);
  return (folder) => {
    const link = (file: string): string => (folder === '.' ? file : `${folder}/${file}`);
    return [
      '# fhirledger beside the papers',
      '',
      '_Machine-written by `fhirledger bench papers`; do not edit. Every figure below comes from the runs in_',
      `_\`${folder === '.' ? 'this folder' : folder}\`._`,
      '',
      '| run | value |',
      '| --- | --- |',
      `| command | \`${input.command}\` |`,
      `| commit | ${env.commit}${env.dirty ? ' (with uncommitted changes)' : ''} |`,
      `| machine | ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB, ${env.platform} |`,
      `| node | ${env.node} |`,
      `| started | ${env.startedAt} |`,
      '| network | fabric-devnet `dev` profile: 1 orderer, 1 peer (Org1MSP), Fabric CA, EHR chaincode as a service, LevelDB state |',
      '',
      '## What differs from the papers',
      '',
      `- Paper 000 ran on ${PAPER_000_GATLING.setup}; paper 002 on ${PAPER_002_SETUP}.`,
      '- Here everything shares one 2-core machine: the load generator, the FHIR gateway, and the devnet (a Fabric',
      "  network written in TypeScript that speaks Fabric's wire protocol, not the Go binaries), one org, one peer,",
      '  one orderer without Raft — the `paper` profile (3 orgs × 2 peers, 3 Raft orderers) is tracked in issue 14.',
      '- Paper 000 drove its API with Gatling; we drive the same ramp with k6. Paper 002 used Caliper; we run the',
      '  same rounds with Caliper 0.6 and with k6, and show both.',
      '',
      `## Paper 000: 10 → ${input.vusMax} users over 100 s (create / retrieve / modify through the API)`,
      '',
      paper000Table(input.ramp, input.vusMax),
      '',
      `Acknowledged-write audit: ${input.rampAudit === undefined ? 'not run' : auditLine(input.rampAudit)}.`,
      '',
      'Where the run fell short of its SLOs:',
      '',
      ...list(input.rampFailures),
      '',
      `Charts: [latency and throughput over time, failures drawn](${link('ramp/timeline.svg')}) · [CPU and memory per process (paper 002 Tables 4-5 style)](${link('ramp/sut.svg')}) · [full report with the system-under-test table](${link('ramp/report.md')})`,
      '',
      '## Paper 002 Table 3: open / query / transfer at fixed send rates',
      '',
      paper002Table(input.k6CaliperRows, input.caliperRounds),
      '',
      '### k6 and Caliper side by side',
      '',
      comparison === undefined
        ? 'No round was measured by both tools.'
        : `Over ${comparison.rounds} rounds measured by both, k6's throughput is ${comparison.throughputRatio.toFixed(2)}× Caliper's and its average latency ${comparison.latencyRatio.toFixed(2)}× Caliper's.`,
      '',
      "Why they differ: Caliper 0.6 calls the chaincode straight through the peer's Gateway service (one gRPC",
      'connection, the SDK signs each proposal), while k6 goes through the FHIR gateway over HTTP: a bearer token',
      'checked on every request, FHIR JSON parsed and validated, then the same Gateway calls. Both wait for the',
      'commit of every write before counting it. So the gap between the two columns is the price of the FHIR API in',
      'front of Fabric; the gap between either column and the paper is the network and the machine.',
      '',
      'k6 run problems:',
      '',
      ...list(input.k6CaliperFailures),
      '',
      'Caliper run problems:',
      '',
      ...list(input.caliperProblems),
      '',
      `Charts: [k6 rounds over time](${link('k6-caliper/timeline.svg')}) · [CPU and memory per process](${link('k6-caliper/sut.svg')}) · [k6 report with the system-under-test table](${link('k6-caliper/report.md')}) · [Caliper's report](${link('caliper/report.html')})`,
      '',
    ].join('\n');
  };
}
