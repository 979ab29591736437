/**
 * Issue 18's hostile-bytes group: bytes no well-behaved client sends, aimed at the devnet itself. Each case starts
 * a dev network of its own at the context's port offset, attacks it, checks Fabric's answer and that the network
 * still serves, and takes the network down. `fhirledger bench faults` runs them; `hostile-bytes-cases.test.ts`
 * runs the same list in `npm test`.
 */
import type { FaultCase } from './fault-case.js';
import { deliverSeeksCase } from './hostile-bytes/deliver-seeks-case.js';
import { malformedRequestsCase } from './hostile-bytes/malformed-requests-case.js';
import { oversizedMessagesCase } from './hostile-bytes/oversized-messages-case.js';
import { rangeQueriesCase } from './hostile-bytes/range-queries-case.js';
import { rogueChaincodeCase } from './hostile-bytes/rogue-chaincode-case.js';

export const HOSTILE_BYTES_CASES: readonly FaultCase[] = [
  malformedRequestsCase,
  oversizedMessagesCase,
  rogueChaincodeCase,
  deliverSeeksCase,
  rangeQueriesCase,
];
