/**
 * Shared load profiles: the shapes of load the scenarios are made of, kept apart from what each VU does so the
 * same flow runs under ramp, arrival, stress, soak and spike.
 */
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- @types/k6 declares scenario options as
   classes, but k6 takes plain objects; there is nothing to construct. */
import type { Scenario } from 'k6/options';
import { caliperScenarioName } from './caliper-round-name.ts';

/** Paper 000's Gatling injection: users ramp from 10 to `peak` over 100 s, then the in-flight loops finish. */
export function rampingUsers(exec: string, peak: number, rampSeconds = 100): Scenario {
  return {
    executor: 'ramping-vus',
    exec,
    startVUs: Math.min(10, peak),
    stages: [{ duration: `${rampSeconds}s`, target: peak }],
    gracefulRampDown: '10s',
    gracefulStop: '30s',
  };
}

/**
 * The open-model twin of rampingUsers: users *started* per second ramp up, whatever the gateway's latency, so a
 * slow gateway meets growing pressure instead of fewer requests (Gatling's rampUsersPerSec).
 */
export function rampingArrivals(exec: string, peakPerSecond: number, rampSeconds = 100): Scenario {
  return {
    executor: 'ramping-arrival-rate',
    exec,
    startRate: 1,
    timeUnit: '1s',
    preAllocatedVUs: Math.min(50, peakPerSecond),
    maxVUs: Math.max(peakPerSecond * 10, 10),
    stages: [{ duration: `${rampSeconds}s`, target: peakPerSecond }],
    gracefulStop: '30s',
  };
}

export function constantUsers(exec: string, vus: number, duration: string): Scenario {
  return { executor: 'constant-vus', exec, vus, duration, gracefulStop: '10s' };
}

/** Step up past the expected capacity and hold, to find where the SLOs break. */
export function stressSteps(exec: string, peak: number): Scenario {
  const step = (fraction: number): number => Math.max(1, Math.round(peak * fraction));
  return {
    executor: 'ramping-vus',
    exec,
    startVUs: 1,
    stages: [
      { duration: '60s', target: step(0.25) },
      { duration: '60s', target: step(0.5) },
      { duration: '60s', target: step(1) },
      { duration: '120s', target: step(1) },
      { duration: '30s', target: 0 },
    ],
    gracefulRampDown: '10s',
  };
}

/** A sudden burst from a small base, then back down: does the gateway recover and lose nothing? */
export function spike(exec: string, base: number, peak: number): Scenario {
  return {
    executor: 'ramping-vus',
    exec,
    startVUs: base,
    stages: [
      { duration: '20s', target: base },
      { duration: '10s', target: peak },
      { duration: '30s', target: peak },
      { duration: '10s', target: base },
      { duration: '30s', target: base },
    ],
    gracefulRampDown: '10s',
  };
}

/** One Caliper round: `transactions` sent at a fixed `rate` per second (paper 002 Table 3). */
export interface CaliperRound {
  op: string;
  rate: number;
  transactions: number;
}

/**
 * Rounds run one after another, as Caliper runs them: each round sends its `transactions` at its rate, and the next
 * starts only after the drain window, long enough for every request still in flight to be answered or to time out.
 * Like Caliper's fixed-rate controller, a round never skips a transaction because earlier ones are still waiting:
 * there are as many VUs as transactions, all made before the test starts, so a saturated network shows as latency
 * and failures, not as a smaller round (k6 would otherwise drop the iterations it has no free VU for).
 */
export function caliperRounds(
  rounds: readonly CaliperRound[],
  execFor: (op: string) => string,
  drainSecondsFor: (op: string) => number,
): Record<string, Scenario> {
  const scenarios: Record<string, Scenario> = {};
  let startMs = 0;
  for (const round of rounds) {
    // k6 starts an iteration at t = 0 and every 1/rate after, up to and including the window's end; ending the
    // window half an interval early makes it exactly `transactions` iterations.
    const durationMs = Math.round(((round.transactions - 0.5) / round.rate) * 1000);
    if (durationMs < 1000) {
      throw new Error(
        `env CALIPER_TRANSACTIONS=${round.transactions} at ${round.rate} TPS sends for under 1 s, which k6 refuses: give at least ${Math.ceil(round.rate + 0.5)} transactions per round`,
      );
    }
    const drainSeconds = drainSecondsFor(round.op);
    scenarios[caliperScenarioName(round.op, round.rate)] = {
      executor: 'constant-arrival-rate',
      exec: execFor(round.op),
      rate: round.rate,
      timeUnit: '1s',
      duration: `${durationMs}ms`,
      // Every VU made before the test starts: k6 makes the ones past preAllocatedVUs mid-round, one at a time, and
      // drops the iterations that come due meanwhile (on the paper profile, 35 % of the 150 and 250 TPS rounds).
      preAllocatedVUs: round.transactions,
      maxVUs: round.transactions,
      startTime: `${startMs}ms`,
      gracefulStop: `${drainSeconds}s`,
      tags: { rate: String(round.rate) },
    };
    startMs += durationMs + drainSeconds * 1000;
  }
  return scenarios;
}
