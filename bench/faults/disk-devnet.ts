/**
 * What the disk-fault cases do to a dev devnet besides the fault itself: start one with the test contract
 * (`shimtest`, which has a `slow` function), move the peer's ledger folder onto a scratch file system, restart the
 * peer, read its height, state fingerprint and health from its operations endpoint, and rebuild its state from its
 * block store to prove the two agree. Every step goes through the real CLI (`network kill|start`) or the peer's
 * own endpoints.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isMountPoint, unmount } from '../../common/scratch-mounts.js';
import { BenchDevnet, REPO } from '../devnet-harness.js';

export const PEER = 'peer0.org1.example.com';
const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');

export async function startDevnet(portOffset: number, log: (line: string) => void): Promise<BenchDevnet> {
  const devnet = new BenchDevnet(portOffset, undefined, 'dev');
  try {
    devnet.up();
    await devnet.deployChaincode('shimtest', TEST_CHAINCODE, devnet.port(9998));
  } catch (error) {
    await devnet.destroy();
    throw error;
  }
  log(`devnet up at port offset ${portOffset} in ${devnet.home}, test contract deployed`);
  return devnet;
}

export function peerDataDir(devnet: BenchDevnet): string {
  return path.join(devnet.home, 'data', PEER);
}

export interface PeerLedger {
  readonly height: number;
  readonly fingerprint: string;
}

/** The peer's own account of its ledger (GET /devnet/state): height and SHA-256 over its whole state database. */
export async function peerLedger(devnet: BenchDevnet): Promise<PeerLedger> {
  const { status, body } = await operationsGet(devnet, '/devnet/state');
  if (status !== 200) throw new Error(`peer /devnet/state answered ${status}: ${body}`);
  return JSON.parse(body) as PeerLedger;
}

/** GET /healthz as Fabric's operations endpoint answers it: 200, or 503 with the failed checks. */
export function peerHealth(devnet: BenchDevnet): Promise<{ status: number; body: string }> {
  return operationsGet(devnet, '/healthz');
}

/**
 * One GET on the peer's operations endpoint over a fresh connection: the cases restart the peer, and a pooled
 * keep-alive socket to the killed process would fail the first request after the restart ("other side closed").
 */
function operationsGet(devnet: BenchDevnet, route: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port: devnet.port(9444), path: route, agent: false, timeout: 10_000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${route} on the peer took over 10 s`)));
    request.on('error', reject);
  });
}

export function ordererHeight(devnet: BenchDevnet): number | null {
  return devnet.status().find((node) => node.role === 'orderer')?.ledgerHeight ?? null;
}

/** `network kill` then `network start` of the peer: a restart on whatever its ledger folder holds. */
export function restartPeer(devnet: BenchDevnet): void {
  devnet.control('kill', PEER);
  devnet.control('start', PEER);
}

/** Stops the peer before a cleanup unmounts its folder; a peer that is already down is only logged. */
export function stopPeer(devnet: BenchDevnet, log: (line: string) => void): void {
  try {
    devnet.control('kill', PEER);
  } catch (error) {
    log(`stopping ${PEER}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Stops the peer, puts its ledger folder on the file system `mount` creates on the (empty) folder, copies the
 * ledger back onto it and starts the peer again: what an operator does to move a peer's data to another disk.
 */
export function movePeerDataOnto(devnet: BenchDevnet, mount: (dir: string) => void): void {
  const data = peerDataDir(devnet);
  const aside = `${data}.before-mount`;
  devnet.control('kill', PEER);
  renameSync(data, aside);
  mkdirSync(data);
  mount(data);
  const copied = spawnSync('cp', ['-a', `${aside}/.`, data], { encoding: 'utf8' });
  if (copied.status !== 0)
    throw new Error(`copying the peer's ledger onto the mount failed: ${copied.stderr}`);
  // cp does not sync: the copy is the setup, not the fault, and must be on the disk before any fault is made.
  const synced = spawnSync('sync', ['-f', data], { encoding: 'utf8' });
  if (synced.status !== 0) throw new Error(`sync of the peer's ledger folder failed: ${synced.stderr}`);
  rmSync(aside, { recursive: true, force: true });
  devnet.control('start', PEER);
}

/**
 * Stops the peer, moves its state database aside and starts it: the peer replays every stored block from the
 * genesis block into a new state. The fingerprint it then reports is what the blocks imply, so equal to the one
 * before means block store and state agreed (nothing half-committed). The old state stays aside.
 */
export async function rebuildStateFromBlocks(devnet: BenchDevnet): Promise<PeerLedger> {
  const state = path.join(peerDataDir(devnet), 'state');
  devnet.control('kill', PEER);
  renameSync(state, `${state}.replaced`);
  devnet.control('start', PEER);
  return peerLedger(devnet);
}

/** Sets the peer's chaincode execute timeout (Fabric's chaincode.executetimeout) in its config and restarts it. */
export function setExecuteTimeout(devnet: BenchDevnet, ms: number): void {
  const file = path.join(devnet.home, 'config', `${PEER}.json`);
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...config, chaincodeExecuteTimeoutMs: ms }, null, 2)}\n`);
  restartPeer(devnet);
}

/** Polls until the peer's height equals the orderer's (every ordered block committed), for at most `timeoutMs`. */
export async function waitForPeerAtOrdererHeight(devnet: BenchDevnet, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orderer = ordererHeight(devnet);
    if (orderer !== null && (await peerLedger(devnet)).height === orderer) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Stops the peer, unmounts its ledger folder, runs `afterUnmount` (detach a loop device) and takes the devnet down,
 * in an order that still unmounts if the first try fails: the devnet is down by the second.
 */
export async function tearDown(
  devnet: BenchDevnet,
  mountPoint: string,
  log: (line: string) => void,
  afterUnmount: () => void = () => undefined,
): Promise<void> {
  stopPeer(devnet, log);
  const unmountIfMounted = () => {
    if (isMountPoint(mountPoint)) unmount(mountPoint);
  };
  try {
    unmountIfMounted();
  } catch (error) {
    log(
      `unmount before network down failed, retried after it: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    await devnet.destroy();
  } finally {
    unmountIfMounted();
    afterUnmount();
    rmSync(devnet.home, { recursive: true, force: true });
  }
}
