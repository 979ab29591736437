/**
 * What the two papers printed, in one place, so every comparison table quotes the same figures. Paper 000 gives
 * its Gatling run in prose and three figures; paper 002's Table 3 lives with the k6 Caliper table that already
 * compares against it (loadtests/runner/caliper-table.ts).
 */
export { PAPER_002_SUCCEEDED_NOTE, PAPER_002_TABLE_3 } from '../../loadtests/runner/caliper-table.js';

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

/** One node's resource use as paper 002 prints it: memory in MB, CPU in % (docker stats, per container). */
export interface PaperResourceUse {
  memoryMaxMb: number;
  memoryAvgMb: number;
  cpuMaxPercent: number;
  cpuAvgPercent: number;
}

const use = (memoryMaxMb: number, memoryAvgMb: number, cpuMaxPercent: number, cpuAvgPercent: number) => ({
  memoryMaxMb,
  memoryAvgMb,
  cpuMaxPercent,
  cpuAvgPercent,
});

/**
 * Paper 002 Tables 4 and 5 (RAFT): resource use per container after the first round (open) and the second (query),
 * keyed by our node names. The paper lists one orderer; ours is `orderer.example.com`.
 */
export const PAPER_002_TABLES_4_5: Record<string, { table4: PaperResourceUse; table5: PaperResourceUse }> = {
  'peer0.org1.example.com': { table4: use(403.8, 389.3, 5.23, 3.13), table5: use(405.7, 138.0, 6.47, 3.16) },
  'peer1.org1.example.com': { table4: use(512.9, 406.4, 4.52, 3.7), table5: use(405.7, 125.0, 6.19, 3.16) },
  'peer0.org2.example.com': { table4: use(205.3, 200.3, 5.16, 3.03), table5: use(208.6, 124.0, 6.29, 3.16) },
  'peer1.org2.example.com': { table4: use(201.3, 200.3, 4.57, 3.23), table5: use(207.6, 124.0, 6.19, 3.16) },
  'peer0.org3.example.com': { table4: use(203.9, 200.3, 5.64, 3.01), table5: use(204.6, 124.0, 5.19, 3.16) },
  'peer1.org3.example.com': { table4: use(146.6, 119.3, 4.28, 3.04), table5: use(66.3, 61.1, 4.39, 3.15) },
  'orderer.example.com': { table4: use(19.6, 18.0, 1.01, 0.26), table5: use(34.5, 24.1, 1.51, 0.26) },
  'ca.org1.example.com': { table4: use(8.3, 7.6, 0.13, 0.0), table5: use(6.5, 5.8, 0.2, 0.0) },
  'ca.org2.example.com': { table4: use(8.3, 7.6, 0.13, 0.0), table5: use(6.5, 5.8, 0.2, 0.0) },
  'ca.org3.example.com': { table4: use(8.6, 7.8, 0.29, 0.0), table5: use(5.9, 5.9, 0.29, 0.0) },
};
