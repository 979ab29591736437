/**
 * Every fault case of issue 18, group by group, in the order `fhirledger bench faults` runs them and the page lists
 * them. Each group's list lives in its own `<group>-cases.ts`.
 */
import { AUTH_CASES, AUTH_NOTES } from './auth-cases.js';
import type { FaultCase, FaultGroup } from './fault-case.js';
import { PROCESS_CASES, PROCESS_NOTES } from './process-cases.js';

export const ALL_FAULT_CASES: readonly FaultCase[] = [...PROCESS_CASES, ...AUTH_CASES];

/** Per group, what the page says beyond the cases (what does not apply, how a figure is measured). */
export const FAULT_GROUP_NOTES: Partial<Record<FaultGroup, readonly string[]>> = {
  process: PROCESS_NOTES,
  auth: AUTH_NOTES,
};
