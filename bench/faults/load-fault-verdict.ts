/**
 * The verdict of a process fault injected under a k6 load, from what k6 recorded and what the audit read back:
 * nothing acknowledged lost, clients told to retry (503 / 504 with Retry-After, or a refused connection while the
 * gateway itself is down) rather than left hanging, and writes succeeding again after the restart. Pure: the case
 * (load-fault-case.ts) gathers the facts, this decides.
 */
import type { AcknowledgedCheck } from '../../loadtests/runner/ledger-audit.js';
import type { FailureCount, RequestSample } from '../../loadtests/runner/observations.js';
import type { FaultOutcome } from './fault-case.js';
import type { FaultTimes } from './fault-network.js';
import {
  caProbeChecks,
  caProbeText,
  processOutcome,
  recoveryText,
  type CaProbeFacts,
} from './process-outcome.js';

/**
 * What the clients may see of the fault: `retryable` — 503 / 504 from the gateway; `refused` — those, or no answer
 * at all (the gateway is the process that died); `untouched` — nothing (the load never needs the node).
 */
export type ClientExpectation = 'retryable' | 'refused' | 'untouched';

export interface LoadFaultFacts {
  readonly id: string;
  readonly done: string;
  readonly fault: FaultTimes;
  readonly requests: readonly RequestSample[];
  readonly failures: readonly FailureCount[];
  readonly audit: AcknowledgedCheck | null;
  readonly k6ExitCode: number;
  /** The gateway's per-request deadline (--request-timeout-ms), ms. */
  readonly gatewayDeadlineMs: number;
  readonly expectation: ClientExpectation;
  readonly caProbe?: CaProbeFacts;
}

/** Statuses a client may retry on: the gateway's 503 (ledger unavailable, overloaded) and 504 (deadline). */
const RETRYABLE = new Set([503, 504]);
/** k6 and the loopback add a little to the gateway's own deadline before a response is stamped. */
const DEADLINE_SLACK_MS = 2000;
const WRITES = new Set(['create', 'modify']);

function statusSummary(failures: readonly FailureCount[]): string {
  if (failures.length === 0) return 'no request failed';
  return failures
    .map((f) => `${f.op} ${f.status === 0 ? 'no response' : f.status} ${f.code} ×${f.count}`)
    .join(', ');
}

/** Seconds from the restart to the end of the first successful request that began after it. */
function recoveryMs(facts: LoadFaultFacts): number | null {
  if (facts.caProbe !== undefined) return facts.caProbe.recoveryMs;
  // The gateway's own recovery shows in any request; a ledger node's in a write (reads may never have failed).
  const counts = (r: RequestSample) =>
    facts.expectation === 'refused' ? r.op !== 'login' : WRITES.has(r.op);
  const first = facts.requests
    .filter((r) => r.ok && counts(r) && r.timeMs - r.durationMs >= facts.fault.restartAt)
    .sort((a, b) => a.timeMs - b.timeMs)[0];
  return first === undefined ? null : first.timeMs - facts.fault.restartAt;
}

export function judgeLoadFault(facts: LoadFaultFacts): FaultOutcome {
  const failed = facts.requests.filter((r) => !r.ok);
  const maxRequestMs = Math.max(0, ...facts.requests.map((r) => r.durationMs));
  const recovery = recoveryMs(facts);
  const audit = facts.audit;
  const allowed = (status: number) =>
    RETRYABLE.has(status) || (facts.expectation === 'refused' && status === 0);
  const checks: Record<string, boolean> = {
    'every acknowledged write is on the ledger':
      audit !== null && audit.checked > 0 && audit.missing.length === 0,
  };
  if (facts.expectation === 'untouched') {
    checks['the load saw no failure (it does not use this node)'] = failed.length === 0;
  } else {
    checks['the fault reached the clients (≥ 1 failed request)'] = failed.length > 0;
    checks[
      facts.expectation === 'refused'
        ? 'every failure was a 503 / 504 or a refused connection (retryable)'
        : 'every failure was a 503 / 504 (retryable)'
    ] = failed.every((r) => allowed(r.status));
  }
  checks[`no request outlived the gateway's ${facts.gatewayDeadlineMs / 1000} s deadline`] =
    maxRequestMs <= facts.gatewayDeadlineMs + DEADLINE_SLACK_MS;
  Object.assign(checks, caProbeChecks(facts.caProbe));
  checks['success again after the restart'] = recovery !== null;
  const acknowledged = audit?.checked;
  const onLedger = audit?.onLedger;
  const happened =
    `${facts.requests.length} requests, ${failed.length} failed (${statusSummary(facts.failures)}); ` +
    `longest request ${Math.round(maxRequestMs)} ms; ` +
    recoveryText(recovery) +
    (audit === null
      ? 'no audit.'
      : `audit: ${audit.checked} acknowledged, ${audit.onLedger} on the ledger.`) +
    caProbeText(facts.caProbe);
  return processOutcome({
    id: facts.id,
    done: facts.done,
    happened,
    checks,
    acknowledged,
    onLedger,
    recoveryMs: recovery,
    details: {
      requests: facts.requests.length,
      failed: failed.length,
      failures: facts.failures,
      maxRequestMs: Math.round(maxRequestMs),
      gatewayDeadlineMs: facts.gatewayDeadlineMs,
      k6ExitCode: facts.k6ExitCode,
      downMs: facts.fault.restartAt - facts.fault.killedAt,
      restartToReadyMs: facts.fault.readyAt - facts.fault.restartAt,
      missing: audit?.missing.slice(0, 20) ?? null,
      ...(facts.caProbe === undefined ? {} : { caProbe: facts.caProbe }),
    },
  });
}
