/**
 * The paper profile's Raft leader orderer SIGKILLed under a bounded load and restarted while the load goes on: the
 * load, the read-back of every acknowledged key and the devnet harness are `bench paper-crash`'s own
 * (network/node/paper-load.ts, bench-paper-crash.ts), with the unmodified fabric-gateway client. Raft keeps two of
 * three orderers, so clients should see at most a pause, never a lost write; the restarted orderer must replay the
 * log up to the others' height.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { steadyLoad } from '../../network/node/paper-load.js';
import { missingKeys } from '../bench-paper-crash.js';
import { BenchDevnet, REPO } from '../devnet-harness.js';
import { runFhirledger, runFhirledgerOk } from './cli-child.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { DOWN_MS } from './load-fault-case.js';

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const LOAD_MS = 20_000;
const KILL_AT_MS = 5000;
const CONCURRENCY = 4;
const MAX_TRANSACTIONS = 1500;
/** The client's commit-status deadline (devnet-harness.ts user1Gateway): a longer commit gap is a hang. */
const CLIENT_COMMIT_DEADLINE_MS = 60_000;
const CATCH_UP_LIMIT_MS = 60_000;

interface NodeStatus {
  name: string;
  role: string;
  ledgerHeight: number | null;
  raftLeader?: boolean | null;
}

async function nodeStatus(home: string): Promise<NodeStatus[]> {
  // `status` exits 3 while a node is down, and still prints every node.
  const result = await runFhirledger(['network', 'status', '--json', '--home', home], { timeoutMs: 60_000 });
  return (JSON.parse(result.stdout) as { nodes: NodeStatus[] }).nodes;
}

/** Polls until `node`'s height reaches `height`; ms from `since`, or null after the limit. */
async function caughtUp(home: string, node: string, height: number, since: number): Promise<number | null> {
  while (Date.now() - since < CATCH_UP_LIMIT_MS) {
    const own = (await nodeStatus(home)).find((n) => n.name === node)?.ledgerHeight ?? null;
    if (own !== null && own >= height) return Date.now() - since;
    await sleep(500);
  }
  return null;
}

async function run(context: FaultContext): Promise<FaultOutcome> {
  const devnet = new BenchDevnet(context.portOffset, undefined, 'paper');
  try {
    context.log(`paper orderer: network up --profile paper at port offset ${context.portOffset}`);
    devnet.up();
    await devnet.deployChaincode('shimtest', TEST_CHAINCODE, devnet.port(7420));
    const leader = devnet.status().find((node) => node.raftLeader === true)?.name;
    if (leader === undefined) throw new Error('no Raft leader after network up');
    const client = devnet.grpcClient();
    const gateway = devnet.user1Gateway(client, 'node-crypto');
    try {
      const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
      let restartAt = 0;
      let othersHeight = 0;
      let catchUpMs: number | null = null;
      context.log(`paper orderer: killing the Raft leader ${leader} ${KILL_AT_MS / 1000} s into the load`);
      const load = await steadyLoad(contract, {
        prefix: 'fault',
        durationMs: LOAD_MS,
        maxTransactions: MAX_TRANSACTIONS,
        concurrency: CONCURRENCY,
        markAt: KILL_AT_MS,
        during: async () => {
          await runFhirledgerOk(['network', 'kill', leader, '--home', devnet.home], 60_000);
          await sleep(DOWN_MS);
          othersHeight = Math.max(
            0,
            ...(await nodeStatus(devnet.home))
              .filter((node) => node.role === 'orderer' && node.name !== leader)
              .map((node) => node.ledgerHeight ?? 0),
          );
          restartAt = Date.now();
          await runFhirledgerOk(['network', 'start', leader, '--home', devnet.home], 60_000);
          catchUpMs = await caughtUp(devnet.home, leader, othersHeight, restartAt);
        },
      });
      const missing = await missingKeys(contract, load.acknowledged);
      return verdict(leader, load, missing, catchUpMs, othersHeight);
    } finally {
      gateway.close();
      client.close();
    }
  } finally {
    await devnet.destroy();
  }
}

function verdict(
  leader: string,
  load: Awaited<ReturnType<typeof steadyLoad>>,
  missing: number,
  catchUpMs: number | null,
  othersHeight: number,
): FaultOutcome {
  const acknowledged = load.acknowledged.length;
  const checks: Record<string, boolean> = {
    'every acknowledged write is on the ledger': acknowledged > 0 && missing === 0,
    [`no commit gap past the client's ${CLIENT_COMMIT_DEADLINE_MS / 1000} s commit deadline`]:
      load.longestGapMs < CLIENT_COMMIT_DEADLINE_MS,
    'commits went on after the kill': load.firstCommitAfterMarkMs >= 0,
    'the restarted orderer caught up with the other two': catchUpMs !== null,
  };
  return {
    id: 'paper-orderer-kill-during-load',
    group: 'process',
    done: `paper profile: the Raft leader (${leader}) SIGKILLed ${KILL_AT_MS / 1000} s into a ${LOAD_MS / 1000} s load (${CONCURRENCY} in flight, fabric-gateway client), restarted ${DOWN_MS / 1000} s later while the load went on`,
    happened:
      `${acknowledged} acknowledged, ${load.failures.length} failed${load.failures[0] === undefined ? '' : ` (${load.failures[0].slice(0, 120)})`}; ` +
      `first commit ${load.firstCommitAfterMarkMs} ms after the kill, longest commit gap ${load.longestGapMs} ms; ` +
      `${missing} acknowledged key(s) missing on read-back; ` +
      (catchUpMs === null
        ? 'the restarted orderer did not catch up.'
        : `the restarted orderer reached height ${othersHeight} ${(catchUpMs / 1000).toFixed(1)} s after its restart.`),
    passed: Object.values(checks).every(Boolean),
    checks,
    acknowledged,
    onLedger: acknowledged - missing,
    ...(catchUpMs === null ? {} : { recoverySeconds: Math.round(catchUpMs / 100) / 10 }),
    details: {
      killed: leader,
      failed: load.failures.length,
      failures: load.failures.slice(0, 5),
      longestCommitGapMs: load.longestGapMs,
      firstCommitAfterKillMs: load.firstCommitAfterMarkMs,
      recovery: 'restart → the restarted orderer at the height the other two had at its restart',
    },
  };
}

export const PAPER_ORDERER_CASE: FaultCase = {
  id: 'paper-orderer-kill-during-load',
  group: 'process',
  summary:
    'paper profile: the Raft leader orderer SIGKILLed under load and restarted (fabric-gateway client)',
  run,
};
