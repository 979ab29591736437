/**
 * `fhirledger bench paper-crash`: the paper profile's crash-recovery figures (issue 14) measured rather than only
 * printed by network/test/paper.integration.test.ts. One devnet `--profile paper` in a temporary home at port offset
 * 38000, the test contract (`shimtest.put`) through an unmodified @hyperledger/fabric-gateway client, faults through
 * `network kill|start`. Writes results/<date>-paper-crash/run.json and README.md.
 *
 *   fhirledger bench paper-crash [--transactions N]   (most transactions per load phase, default and max 2000)
 *
 * Phases: the Raft leader orderer killed 3 s into a steady load, every acknowledged key read back, its restart and
 * catch-up; two orderers killed (the submit error), both restarted and caught up; peer0.org2 killed under load,
 * restarted and caught up. Each load is bounded (≤ 12 s, ≤ N transactions, 8 in flight); `network down --purge`
 * always runs at the end.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import { paperProfile } from '../network/node/paper-profile.js';
import { peerState, steadyLoad, waitForOneHeight, type LoadResult } from '../network/node/paper-load.js';
import { BenchDevnet, REPO } from './devnet-harness.js';
import { createRunFolder, writeRunJson } from './run-folder.js';

const PORT_OFFSET = 38000;
const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const LOAD_MS = 12_000;
const KILL_AT_MS = 3000;
const CONCURRENCY = 8;
const MAX_TRANSACTIONS = 2000;
const utf8 = new TextDecoder();
/** Default (offset 0) layout: the devnet moves every port by its offset. */
const LAYOUT = paperProfile();
const PEER_OPERATIONS = LAYOUT.orgs.flatMap((org) => org.peers.map((peer) => peer.operationsPort));

interface LoadFigures {
  readonly killed: string;
  readonly acknowledged: number;
  readonly failed: number;
  readonly firstFailure: string | null;
  readonly longestCommitGapMs: number;
  readonly firstCommitAfterKillMs: number;
}

interface Recovery {
  readonly restarted: string[];
  /** From `network start` until every peer and orderer reports one height, ms. */
  readonly catchUpMs: number;
  readonly height: number;
  /** Whether all six peers then report the same state fingerprint. */
  readonly peersAgree: boolean;
}

function loadFigures(killed: string, result: LoadResult): LoadFigures {
  return {
    killed,
    acknowledged: result.acknowledged.length,
    failed: result.failures.length,
    firstFailure: result.failures[0] ?? null,
    longestCommitGapMs: result.longestGapMs,
    firstCommitAfterKillMs: result.firstCommitAfterMarkMs,
  };
}

/** Starts `nodes` again and waits until every peer and orderer shares one height (exported for bench faults). */
export async function restartAndCatchUp(devnet: BenchDevnet, nodes: string[]): Promise<Recovery> {
  const started = Date.now();
  for (const node of nodes) devnet.control('start', node);
  const heights = () =>
    devnet
      .status()
      .filter((node) => node.role === 'peer' || node.role === 'orderer')
      .map((node) => node.ledgerHeight);
  await waitForOneHeight(heights);
  const catchUpMs = Date.now() - started;
  const states = await Promise.all(PEER_OPERATIONS.map((port) => peerState(devnet, port)));
  return {
    restarted: nodes,
    catchUpMs,
    height: states[0]?.height ?? 0,
    peersAgree: new Set(states.map((state) => `${state.height}/${state.fingerprint}`)).size === 1,
  };
}

/** Keys acknowledged as committed that a query does not return: anything here is a lost write. */
export async function missingKeys(contract: Contract, keys: readonly string[]): Promise<number> {
  let missing = 0;
  for (const key of keys)
    if (utf8.decode(await contract.evaluateTransaction('get', key)) !== key) missing += 1;
  return missing;
}

async function measure(devnet: BenchDevnet, contract: Contract, transactions: number) {
  const load = (prefix: string, kill: string) =>
    steadyLoad(contract, {
      prefix,
      durationMs: LOAD_MS,
      maxTransactions: transactions,
      concurrency: CONCURRENCY,
      markAt: KILL_AT_MS,
      during: () => {
        devnet.control('kill', kill);
        return Promise.resolve();
      },
    });

  const leader = devnet.status().find((node) => node.raftLeader === true)?.name;
  if (leader === undefined) throw new Error('no Raft leader after network up');
  process.stderr.write(`killing the Raft leader ${leader} under load\n`);
  const leaderLoad = await load('kill-leader', leader);
  const leaderKill = {
    ...loadFigures(leader, leaderLoad),
    missingAfterReadBack: await missingKeys(contract, leaderLoad.acknowledged),
  };
  const leaderRecovery = await restartAndCatchUp(devnet, [leader]);

  const two = LAYOUT.orderers.slice(0, 2).map((o) => o.host);
  process.stderr.write(`killing ${two.join(' and ')}\n`);
  for (const node of two) devnet.control('kill', node);
  let submitError: { message: string; details: string[] } | null = null;
  let twoRecovery: Recovery;
  try {
    await contract.submitAsync('put', { arguments: ['no-quorum', 'v'] });
  } catch (error) {
    submitError = {
      message: error instanceof Error ? error.message : String(error),
      details: error instanceof GatewayError ? error.details.map((d) => `${d.address}: ${d.message}`) : [],
    };
  } finally {
    twoRecovery = await restartAndCatchUp(devnet, two);
  }

  const peer = 'peer0.org2.example.com';
  process.stderr.write(`killing ${peer} under load\n`);
  const peerLoad = await load('kill-peer', peer);
  const peerKill = {
    ...loadFigures(peer, peerLoad),
    missingAfterReadBack: await missingKeys(contract, peerLoad.acknowledged),
  };
  const peerRecovery = await restartAndCatchUp(devnet, [peer]);
  return {
    leaderKill,
    leaderRecovery,
    twoOrderersDown: { killed: two, submitSucceeded: submitError === null, submitError },
    twoOrderersRecovery: twoRecovery,
    peerKill,
    peerRecovery,
  };
}

function readme(up: number, figures: Awaited<ReturnType<typeof measure>>): string {
  const { leaderKill: l, peerKill: p, twoOrderersDown: two } = figures;
  const row = (what: string, value: string) => `| ${what} | ${value} |`;
  return [
    '# paper-crash',
    '',
    'Machine-written by `fhirledger bench paper-crash` (bench/bench-paper-crash.ts); raw figures in run.json.',
    `Paper profile (3 orgs × 2 peers, 3 Raft orderers), ${CONCURRENCY} in flight, kill ${KILL_AT_MS} ms into a ≤ ${LOAD_MS / 1000} s load.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    row('network up --profile paper', `${up.toFixed(1)} s`),
    row(`Raft leader ${l.killed} killed: acknowledged / failed`, `${l.acknowledged} / ${l.failed}`),
    row('… longest commit gap', `${l.longestCommitGapMs} ms`),
    row('… first commit after the kill', `${l.firstCommitAfterKillMs} ms`),
    row('… acknowledged keys missing on read-back', String(l.missingAfterReadBack)),
    row('… restart → one height', `${figures.leaderRecovery.catchUpMs} ms`),
    row(
      'two orderers down: submit error',
      two.submitError === null ? 'none (submit succeeded)' : `\`${two.submitError.message}\``,
    ),
    row('… restart both → one height', `${figures.twoOrderersRecovery.catchUpMs} ms`),
    row(`${p.killed} killed: acknowledged / failed`, `${p.acknowledged} / ${p.failed}`),
    row('… acknowledged keys missing on read-back', String(p.missingAfterReadBack)),
    row('… restart → one height', `${figures.peerRecovery.catchUpMs} ms`),
    row(
      'all six peers share one state fingerprint after each restart',
      String(
        [figures.leaderRecovery, figures.twoOrderersRecovery, figures.peerRecovery].every(
          (r) => r.peersAgree,
        ),
      ),
    ),
    '',
  ].join('\n');
}

export async function run(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--transactions');
  const transactions = at >= 0 ? Number(args[at + 1]) : MAX_TRANSACTIONS;
  if (!Number.isInteger(transactions) || transactions < 100 || transactions > MAX_TRANSACTIONS)
    throw new Error(`--transactions must be an integer in 100..${MAX_TRANSACTIONS}`);
  const devnet = new BenchDevnet(PORT_OFFSET, undefined, 'paper');
  try {
    const started = Date.now();
    devnet.up();
    const upSeconds = (Date.now() - started) / 1000;
    await devnet.deployChaincode('shimtest', TEST_CHAINCODE, devnet.port(7420));
    const client = devnet.grpcClient();
    const gateway = devnet.user1Gateway(client, 'node-crypto');
    try {
      const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
      const figures = await measure(devnet, contract, transactions);
      const folder = createRunFolder('paper-crash');
      const config = {
        profile: 'paper',
        portOffset: PORT_OFFSET,
        transactions,
        concurrency: CONCURRENCY,
        loadMs: LOAD_MS,
        killAtMs: KILL_AT_MS,
        command: `fhirledger bench paper-crash --transactions ${transactions}`,
      };
      const file = writeRunJson(folder, 'paper-crash', config, { networkUpSeconds: upSeconds, ...figures });
      writeFileSync(path.join(folder, 'README.md'), readme(upSeconds, figures));
      process.stdout.write(`${readme(upSeconds, figures)}\n  ${file}\n`);
    } finally {
      gateway.close();
      client.close();
    }
  } finally {
    await devnet.destroy();
  }
}
