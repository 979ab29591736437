/**
 * A hostile-bytes case's FaultOutcome: `passed` is decided here, from the checks alone, so no case can report a pass
 * its own observations do not support.
 */
import type { FaultOutcome } from '../fault-case.js';

export function hostileOutcome(
  outcome: Omit<FaultOutcome, 'group' | 'passed'> & { checks: Record<string, boolean> },
): FaultOutcome {
  const checks = Object.values(outcome.checks);
  return {
    ...outcome,
    group: 'hostile-bytes',
    passed: checks.length > 0 && checks.every(Boolean),
  };
}
