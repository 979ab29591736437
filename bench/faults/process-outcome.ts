/**
 * What every process case's verdict shares: the case built from its spec, the CA probe's facts and checks, and the
 * outcome assembled from the checks (passed only when every check held) with recovery rounded to 0.1 s. Pure.
 */
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';

/** A Fabric CA enrolment tried while the CA was down, and how long after the restart one succeeded again. */
export interface CaProbeFacts {
  readonly whileDown: { readonly ok: boolean; readonly ms: number; readonly error: string | null };
  /** From the restart to the first enrolment that succeeded, ms; null when none did. */
  readonly recoveryMs: number | null;
}

/** A refused connection answers in milliseconds; 10 s without an answer is a client left waiting. */
const PROMPT_REFUSAL_MS = 10_000;

export function caProbeChecks(probe: CaProbeFacts | undefined): Record<string, boolean> {
  if (probe === undefined) return {};
  return {
    'an enrolment while the CA was down failed at once (no hang)':
      !probe.whileDown.ok && probe.whileDown.ms < PROMPT_REFUSAL_MS,
  };
}

/** How long after the restart the first success came, as the verdict's sentence says it. */
export function recoveryText(recoveryMs: number | null): string {
  return recoveryMs === null
    ? 'no success after the restart; '
    : `success again ${(recoveryMs / 1000).toFixed(1)} s after the restart; `;
}

export function caProbeText(probe: CaProbeFacts | undefined): string {
  if (probe === undefined) return '';
  return ` Enrolment while the CA was down: ${probe.whileDown.error ?? 'succeeded'} after ${probe.whileDown.ms} ms.`;
}

export function processCase<Spec extends { readonly id: string; readonly summary: string }>(
  spec: Spec,
  run: (spec: Spec, context: FaultContext) => Promise<FaultOutcome>,
): FaultCase {
  return { id: spec.id, group: 'process', summary: spec.summary, run: (context) => run(spec, context) };
}

export function processOutcome(fields: {
  id: string;
  done: string;
  happened: string;
  checks: Record<string, boolean>;
  acknowledged: number | undefined;
  onLedger: number | undefined;
  recoveryMs: number | null;
  details: Record<string, unknown>;
}): FaultOutcome {
  const { acknowledged, onLedger, recoveryMs } = fields;
  return {
    id: fields.id,
    group: 'process',
    done: fields.done,
    happened: fields.happened,
    passed: Object.values(fields.checks).every(Boolean),
    checks: fields.checks,
    ...(acknowledged === undefined ? {} : { acknowledged }),
    ...(onLedger === undefined ? {} : { onLedger }),
    ...(recoveryMs === null ? {} : { recoverySeconds: Math.round(recoveryMs / 100) / 10 }),
    details: fields.details,
  };
}
