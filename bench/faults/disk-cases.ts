/**
 * Issue 18's disk and resource faults, in the order `fhirledger bench faults` runs them: the peer's ledger folder
 * full (ENOSPC) and forced read-only (EROFS), both root-only (they mount scratch file systems and fail saying so
 * when that is refused), and a chaincode call past the peer's and the client's deadlines.
 */
import type { FaultCase } from './fault-case.js';
import { diskFullCase } from './disk-full-case.js';
import { readOnlyCase } from './read-only-case.js';
import { slowChaincodeCase } from './slow-chaincode-case.js';

export const DISK_CASES: readonly FaultCase[] = [diskFullCase, readOnlyCase, slowChaincodeCase];
