/**
 * The service-level objectives, written as k6 thresholds: a breach makes `k6 run` exit 99, which fails CI.
 * Latency SLOs are per operation (the `op` tag) because a create waits for a Fabric commit and a read does not.
 */
import type { Options } from 'k6/options';

type Thresholds = NonNullable<Options['thresholds']>;

export interface SloLimits {
  /** Largest tolerated share of failed requests (0.01 = 1 %). */
  failedRate: number;
  /** p95 ceilings in milliseconds per operation. */
  p95Ms: Record<string, number>;
  /** Smallest tolerated share of passed checks. */
  checksRate: number;
}

/** Ramp / arrival / stress: paper 000's Gatling run saw ~1 s for writes through the commit; reads are fast. */
export const STANDARD_SLO: SloLimits = {
  failedRate: 0.01,
  p95Ms: { create: 3000, modify: 3000, retrieve: 1000, login: 1000 },
  checksRate: 0.99,
};

/** CI smoke: a handful of users on a dev network must see no failures at all. */
export const SMOKE_SLO: SloLimits = {
  failedRate: 0,
  p95Ms: { create: 2500, modify: 2500, retrieve: 500, login: 1000 },
  checksRate: 1,
};

export function thresholdsFor(slo: SloLimits): Thresholds {
  const thresholds: Thresholds = {
    http_req_failed: [`rate<=${slo.failedRate}`],
    checks: [`rate>=${slo.checksRate}`],
  };
  for (const [op, ms] of Object.entries(slo.p95Ms)) {
    thresholds[`http_req_duration{op:${op}}`] = [`p(95)<${ms}`];
  }
  return thresholds;
}

/** Percentiles the summary export carries for every trend (the report reads p(75) and p(99) too). */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(75)', 'p(90)', 'p(95)', 'p(99)', 'count'];
