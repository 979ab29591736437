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
import type { ProfileName } from '../../network/node/network-up.js';
import type { RoundFigures } from '../caliper/caliper-verdict.js';
import { PAPER_000_GATLING, PAPER_002_SETUP } from './paper-figures.js';
import { paper000Table, paper002ResourceTable, paper002Table } from './paper-tables.js';
import type { SutRow } from '../../loadtests/runner/sut/sut-summary.js';

/** Which profile each paper's runs used, and why the ramp did not use paper 002's when it did not. */
export interface PapersProfiles {
  ramp: ProfileName;
  table3: ProfileName;
  rampNote: string | undefined;
}

/** The stack's network per profile, as the page names it. */
const NETWORK: Record<ProfileName, string> = {
  dev: 'fabric-devnet `dev` profile: 1 orderer, 1 peer (Org1MSP), Fabric CA, EHR chaincode as a service, LevelDB state',
  paper:
    'fabric-devnet `paper` profile: 3 orgs × 2 peers (MAJORITY endorsement), 3 CAs, 3 orderers on an etcd Raft cluster, EHR chaincode as a service, LevelDB state; the FHIR gateway and Caliper on peer0.org1',
};

export interface PapersSummaryInput {
  environment: RunEnvironment;
  command: string;
  profiles: PapersProfiles;
  ramp: LoadObservations;
  rampAudit: AcknowledgedCheck | undefined;
  rampFailures: readonly string[];
  k6CaliperRows: readonly CaliperRow[];
  k6CaliperAudit: AcknowledgedCheck | undefined;
  k6CaliperFailures: readonly string[];
  /** Resource use per node over the k6 Table 3 run; null when it was not monitored. */
  k6CaliperSut: readonly SutRow[] | null;
  caliperRounds: readonly RoundFigures[];
  caliperProblems: readonly string[];
  vusMax: number;
}

export interface ToolComparison {
  rounds: number;
  /** k6's throughput summed over the rounds ÷ Caliper's. */
  throughputRatio: number;
  /** k6's per-round average latencies summed ÷ Caliper's. */
  latencyRatio: number;
  /** Rounds where Caliper's own send rate fell below 90 % of the target: its worker throttled itself. */
  caliperBelowTarget: string[];
  /** Rounds where k6 found no free VU for some transactions (dropped iterations), with how many. */
  k6Dropped: string[];
  /** Rounds where k6 recorded neither an answer nor a failure for some transactions (none dropped). */
  k6Unanswered: string[];
}

/** Compares the tools round by round, and notes where either did not offer the load it was asked to. */
export function toolComparison(
  k6Rows: readonly CaliperRow[],
  caliperRounds: readonly RoundFigures[],
): ToolComparison | undefined {
  const pairs = k6Rows.flatMap((row) => {
    const round = caliperRounds.find((r) => r.op === row.op && r.tps === row.sendRateTps);
    const caliper = round?.caliper;
    return round === undefined ||
      caliper === undefined ||
      caliper.throughputTps === 0 ||
      caliper.avgLatencyS === null
      ? []
      : [{ k6: row, round, caliper }];
  });
  if (pairs.length === 0) return undefined;
  const sumOf = (values: number[]): number => values.reduce((sum, value) => sum + value, 0);
  const label = (op: string, tps: number): string => `${op} ${tps} TPS`;
  return {
    rounds: pairs.length,
    // Ratios of sums over the rounds, not means of per-round ratios: a query round Caliper reports as 0.00 s
    // must not turn into an unbounded quotient.
    throughputRatio:
      sumOf(pairs.map((pair) => pair.k6.throughputTps)) /
      sumOf(pairs.map((pair) => pair.caliper.throughputTps)),
    latencyRatio:
      sumOf(pairs.map((pair) => pair.k6.avgLatencyS)) /
      sumOf(pairs.map((pair) => pair.caliper.avgLatencyS ?? 0)),
    caliperBelowTarget: pairs
      .filter((pair) => pair.caliper.sendRateTps < 0.9 * pair.round.tps)
      .map(
        (pair) => `${label(pair.round.op, pair.round.tps)} (sent at ${pair.caliper.sendRateTps.toFixed(1)})`,
      ),
    k6Dropped: pairs
      .filter((pair) => pair.k6.dropped > 0)
      .map(
        (pair) =>
          `${label(pair.k6.op, pair.k6.sendRateTps)} (${pair.k6.dropped} of ${pair.round.transactions})`,
      ),
    k6Unanswered: pairs
      .filter((pair) => pair.k6.sent + pair.k6.dropped < pair.round.transactions)
      .map(
        (pair) =>
          `${label(pair.k6.op, pair.k6.sendRateTps)} (${pair.round.transactions - pair.k6.sent - pair.k6.dropped} of ${pair.round.transactions})`,
      ),
  };
}

/** Why the two tools' columns differ, from what this run measured. */
function toolDifferences(comparison: ToolComparison): string[] {
  const lines = [
    `Over ${comparison.rounds} rounds measured by both, k6's throughput (summed over them) is ${comparison.throughputRatio.toFixed(2)}× Caliper's and its round-average latency (summed) ${comparison.latencyRatio.toFixed(2)}× Caliper's.`,
    '',
    'What differs between the tools:',
    '',
    "- Path: Caliper 0.6 calls the chaincode straight through the peer's Gateway service (one gRPC connection, one",
    '  identity); k6 goes through the FHIR gateway over HTTP (bearer token checked, FHIR JSON parsed and validated,',
    "  one Fabric identity per user), then the same Gateway calls. Both wait for every write's commit.",
  ];
  if (comparison.caliperBelowTarget.length > 0) {
    lines.push(
      `- Offered load: Caliper's single worker did not reach the send rate in ${comparison.caliperBelowTarget.join(', ')}.`,
      "  Its worker loop (caliper-core's runFixedNumber) starts one transaction per turn of the worker's event loop,",
      "  after the fixed-rate controller's sleep; once the controller is behind it no longer sleeps, and each turn also",
      '  handles the answers of every transaction in flight, on a CPU shared with the network. So the send rate falls',
      '  to what the worker can start, the backlog never forms, and Caliper measures a lighter load than the round',
      '  names, with a latency to match.',
    );
  }
  if (comparison.k6Dropped.length > 0) {
    lines.push(
      `- k6 found no free VU for some transactions, and skipped them: ${comparison.k6Dropped.join(', ')}.`,
    );
  }
  if (comparison.k6Unanswered.length > 0) {
    lines.push(
      `- k6 recorded neither an answer nor a failure for some transactions, so they are not counted (an iteration cut off at the end of the round's drain window leaves no sample): ${comparison.k6Unanswered.join(', ')}.`,
    );
  }
  const k6OfferedAll = comparison.k6Dropped.length === 0 && comparison.k6Unanswered.length === 0;
  if (k6OfferedAll && comparison.caliperBelowTarget.length > 0) {
    lines.push(
      "- k6 started every transaction at the round's rate (one VU per transaction if need be) and waited for each:",
      '  the requests queued in the FHIR gateway and the peer, so its latency includes that queue — the latency a',
      '  client of a saturated network sees — and its throughput is what the network committed under that load.',
    );
  }
  if (comparison.caliperBelowTarget.length === 0 && k6OfferedAll) {
    lines.push(
      '- Offered load: both tools sent every round at its rate, so the gap is the FHIR API in front of Fabric.',
    );
  }
  return lines;
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
      `| network, paper 000 | ${NETWORK[input.profiles.ramp]} |`,
      `| network, paper 002 | ${NETWORK[input.profiles.table3]} |`,
      '',
      '## What differs from the papers',
      '',
      `- Paper 000 ran on ${PAPER_000_GATLING.setup}; paper 002 on ${PAPER_002_SETUP}.`,
      '- Here everything shares one 2-core machine: the load generator, the FHIR gateway, and the devnet (a Fabric',
      "  network written in TypeScript that speaks Fabric's wire protocol, not the Go binaries) with LevelDB state.",
      `- Paper 000's ramp ran on the \`${input.profiles.ramp}\` profile, paper 002's Table 3 on \`${input.profiles.table3}\`.`,
      ...(input.profiles.rampNote === undefined
        ? []
        : [`  Why the ramp is not on \`paper\`: ${input.profiles.rampNote}.`]),
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
      `k6's acknowledged-write audit: ${input.k6CaliperAudit === undefined ? 'not run' : auditLine(input.k6CaliperAudit)}.`,
      '',
      '### k6 and Caliper side by side',
      '',
      ...(comparison === undefined ? ['No round was measured by both tools.'] : toolDifferences(comparison)),
      '',
      'k6 run problems:',
      '',
      ...list(input.k6CaliperFailures),
      '',
      'Caliper run problems:',
      '',
      ...list(input.caliperProblems),
      '',
      '### Paper 002 Tables 4–5: resource use per node',
      '',
      ...(input.k6CaliperSut === null || input.k6CaliperSut.length === 0
        ? ['_not monitored in this run_']
        : [
            paper002ResourceTable(input.k6CaliperSut),
            '',
            "Paper 002's figures are per Docker container after its first round (Table 4, open) and second (Table 5,",
            'query), each node on its own cloud VM; ours are per process over the whole k6 Table 3 run (all nine',
            'rounds), every process on the same 2 cores, sampled from /proc. CPU is in % of one core in both (docker',
            'stats counts that way too). The paper lists one orderer and no chaincode; our etcd Raft members',
            '(`raft.*`), the chaincode server and the FHIR gateway have no counterpart there.',
          ]),
      '',
      `Charts: [k6 rounds over time](${link('k6-caliper/timeline.svg')}) · [CPU and memory per process](${link('k6-caliper/sut.svg')}) · [k6 report with the system-under-test table](${link('k6-caliper/report.md')}) · [Caliper's report](${link('caliper/report.html')})`,
      '',
    ].join('\n');
  };
}
