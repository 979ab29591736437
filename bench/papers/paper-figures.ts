/**
 * What the two papers printed, in one place, so every comparison table quotes the same figures. Paper 000 gives
 * its Gatling run in prose and three figures; paper 002's Table 3 lives with the k6 Caliper table that already
 * compares against it (loadtests/runner/caliper-table.ts).
 */
export { PAPER_002_OPEN_SUCCEEDED, PAPER_002_TABLE_3 } from '../../loadtests/runner/caliper-table.js';

/** Paper 000 (AWS Managed Blockchain, Gatling): 10 → 2000 users over 100 s, create / retrieve / modify. */
export const PAPER_000_GATLING = {
  users: { from: 10, to: 2000, overSeconds: 100 },
  /** "not a single request experienced a failure". */
  failedRequests: 0,
  /** "each task taking just over 1.2 seconds to complete". */
  taskSeconds: 1.2,
  /** "rising to 1,706 users" (Fig. 4, active users). */
  peakActiveUsers: 1706,
  setup: 'Amazon Managed Blockchain (Hyperledger Fabric), serverless API in front, Gatling load generator',
} as const;

/** Paper 002's set-up (Table 3): Caliper on a Fabric network of 3 orgs × 2 peers and 3 Raft orderers. */
export const PAPER_002_SETUP =
  'Hyperledger Caliper on Fabric: 3 organisations × 2 peers, 3 Raft orderers, CouchDB/LevelDB on cloud VMs';
