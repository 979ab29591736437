/**
 * Turns Caliper's per-round table and the workload's own samples into figures per round and one verdict. A round
 * passes when it is in the report, every one of its transactions finished, none failed, and every CreateRecords
 * item was created. Pure.
 */
import type { CaliperRoundResult } from './caliper-report.js';
import { roundLabel, type CaliperRound } from './rounds.js';

/** One transaction as the workload saw it: when Caliper created it, how long it took, whether it succeeded. */
export interface TxSample {
  created: number;
  latencyMs: number;
  ok: boolean;
  /** Why a successful CreateRecords did not create every item. */
  problem?: string;
}

export interface LatencyPercentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface RoundFigures extends CaliperRound {
  label: string;
  /** Caliper's own figures for the round; undefined when the report has no such round. */
  caliper?: CaliperRoundResult;
  /** Percentiles of the successful transactions' latency, from the workload's samples. */
  latency?: LatencyPercentiles;
  samples: number;
  problems: string[];
}

export interface Verdict {
  ok: boolean;
  rounds: RoundFigures[];
  problems: string[];
}

export function judge(
  rounds: readonly CaliperRound[],
  report: readonly CaliperRoundResult[],
  samplesByRound: ReadonlyMap<number, readonly TxSample[]>,
): Verdict {
  const figures = rounds.map((round, index): RoundFigures => {
    const label = roundLabel(round);
    const caliper = report.find((row) => row.label === label);
    const samples = samplesByRound.get(index) ?? [];
    const problems: string[] = [];
    if (caliper === undefined) {
      problems.push(`${label}: not in Caliper's report`);
    } else {
      if (caliper.succ === 0) problems.push(`${label}: no successful transaction`);
      if (caliper.fail > 0)
        problems.push(`${label}: ${caliper.fail} of ${round.transactions} transactions failed`);
      const finished = caliper.succ + caliper.fail;
      if (finished !== round.transactions) {
        problems.push(`${label}: ${finished} of ${round.transactions} transactions finished`);
      }
    }
    const unmet = samples.filter((sample) => sample.problem !== undefined);
    if (unmet.length > 0) {
      problems.push(
        `${label}: ${unmet.length} committed CreateRecords did not create every item (${unmet[0]?.problem ?? ''})`,
      );
    }
    const okLatencies = samples.filter((sample) => sample.ok).map((sample) => sample.latencyMs);
    return {
      ...round,
      label,
      ...(caliper === undefined ? {} : { caliper }),
      ...(okLatencies.length === 0 ? {} : { latency: percentiles(okLatencies) }),
      samples: samples.length,
      problems,
    };
  });
  const problems = figures.flatMap((round) => round.problems);
  return { ok: problems.length === 0, rounds: figures, problems };
}

/** Nearest-rank percentiles of a non-empty list. */
export function percentiles(values: readonly number[]): LatencyPercentiles {
  if (values.length === 0) throw new RangeError('percentiles of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50Ms: rank(50), p95Ms: rank(95), p99Ms: rank(99) };
}
