/**
 * Every fault case of issue 18, group by group, in the order `fhirledger bench faults` runs them and the page lists
 * them. Each group's list lives in its own `<group>-cases.ts`.
 */
import { AUTH_CASES, AUTH_NOTES } from './auth-cases.js';
import { DISK_CASES } from './disk-cases.js';
import type { FaultCase, FaultGroup } from './fault-case.js';
import { HOSTILE_BYTES_CASES } from './hostile-bytes-cases.js';
import { PROCESS_CASES, PROCESS_NOTES } from './process-cases.js';

export const ALL_FAULT_CASES: readonly FaultCase[] = [
  ...PROCESS_CASES,
  ...DISK_CASES,
  ...AUTH_CASES,
  ...HOSTILE_BYTES_CASES,
];

/** Per group, what the page says beyond the cases (what does not apply, how a figure is measured). */
export const FAULT_GROUP_NOTES: Partial<Record<FaultGroup, readonly string[]>> = {
  process: PROCESS_NOTES,
  auth: AUTH_NOTES,
  disk: [
    'These cases need root: they mount scratch file systems (a tmpfs, an ext4 image on a loop device) and fail, saying so, where that is refused.',
    'Where the devnet differs from Fabric: a Fabric peer panics on a failed block commit and replays its ledger on restart; the devnet peer refuses new work with UNAVAILABLE naming the error, answers /healthz 503 and rebuilds its state from the block file in place. Clients see UNAVAILABLE in both.',
  ],
  'hostile-bytes': [
    'Every case ends with the same checks: peer and orderer /healthz answer 200, no node changed pid, and a real EHR CreateRecords by the migrator commits.',
  ],
};
