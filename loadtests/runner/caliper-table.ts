/**
 * Paper 002 Table 3 (Hyperledger Caliper on Fabric): per op and send rate, the throughput, latency and how many of
 * the transactions succeeded, measured from this run's requests, beside the figures the paper printed.
 */
import type { RequestSample } from './observations.js';
import { caliperScenarioName, parseCaliperScenarioName } from '../lib/caliper-round-name.js';
import { extent, mean } from './statistics.js';

/** Figures as printed in paper 002, Table 3 (RAFT rows): throughput and average latency per op and send rate. */
export const PAPER_002_TABLE_3: Record<
  string,
  Record<number, { throughputTps: number; avgLatencyS?: number }>
> = {
  open: {
    50: { throughputTps: 50, avgLatencyS: 0.2 },
    150: { throughputTps: 135, avgLatencyS: 0.3 },
    250: { throughputTps: 185, avgLatencyS: 0.5 },
  },
  query: {
    50: { throughputTps: 66, avgLatencyS: 0.12 },
    150: { throughputTps: 77, avgLatencyS: 3.63 },
    250: { throughputTps: 87, avgLatencyS: 7.62 },
  },
  transfer: {
    50: { throughputTps: 45, avgLatencyS: 0.2 },
    150: { throughputTps: 61, avgLatencyS: 0.3 },
    250: { throughputTps: 92, avgLatencyS: 1.3 },
  },
};
/** Table 3's one success count per op ("Succ" of 1000 transactions): open 946, query and transfer all 1000. */
export const PAPER_002_SUCCEEDED_NOTE =
  'Paper 002 prints one success count per op, of 1000 transactions: open 946, query 1000, transfer 1000.';

export interface CaliperRow {
  op: string;
  sendRateTps: number;
  /** Requests of the op that got an answer or failed (a timeout is a failure). */
  sent: number;
  /** Transactions k6 never started: no VU was free when their turn came. */
  dropped: number;
  succeeded: number;
  throughputTps: number;
  avgLatencyS: number;
  maxLatencyS: number;
  paperThroughputTps: number | undefined;
  paperAvgLatencyS: number | undefined;
}

export const CALIPER_OPS = ['open', 'query', 'transfer'] as const;

export function caliperRows(
  requests: readonly RequestSample[],
  droppedIterations: Readonly<Record<string, number>> = {},
): CaliperRow[] {
  const groups = new Map<string, RequestSample[]>();
  for (const scenario of Object.keys(droppedIterations)) {
    const round = parseCaliperScenarioName(scenario);
    if (round !== undefined && (CALIPER_OPS as readonly string[]).includes(round.op)) {
      groups.set(`${round.op}@${round.rateTps}`, []);
    }
  }
  for (const request of requests) {
    if (request.rate === undefined || !(CALIPER_OPS as readonly string[]).includes(request.op)) continue;
    const key = `${request.op}@${request.rate}`;
    const list = groups.get(key) ?? [];
    list.push(request);
    groups.set(key, list);
  }
  const rows: CaliperRow[] = [];
  for (const [key, list] of groups) {
    const [op = '', rateText = ''] = key.split('@');
    const sendRateTps = Number(rateText);
    const succeeded = list.filter((r) => r.ok);
    // Samples are stamped at the response; the window opens at the first request's start.
    const firstStart = extent(list.map((r) => r.timeMs - r.durationMs)).min;
    const lastEnd = extent(list.map((r) => r.timeMs)).max;
    const windowS = list.length === 0 ? 1 : Math.max((lastEnd - firstStart) / 1000, 1e-3);
    const durations = list.map((r) => r.durationMs);
    const paper = PAPER_002_TABLE_3[op]?.[sendRateTps];
    rows.push({
      op,
      sendRateTps,
      sent: list.length,
      dropped: droppedIterations[caliperScenarioName(op, sendRateTps)] ?? 0,
      succeeded: succeeded.length,
      throughputTps: succeeded.length / windowS,
      avgLatencyS: mean(durations) / 1000,
      maxLatencyS: extent(durations).max / 1000,
      paperThroughputTps: paper?.throughputTps,
      paperAvgLatencyS: paper?.avgLatencyS,
    });
  }
  const opOrder = (op: string): number => (CALIPER_OPS as readonly string[]).indexOf(op);
  return rows.sort((a, b) => opOrder(a.op) - opOrder(b.op) || a.sendRateTps - b.sendRateTps);
}
