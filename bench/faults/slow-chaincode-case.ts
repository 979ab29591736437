/**
 * Issue 18, disk/resource case 3: a chaincode call that outlives its deadline. The test contract (`shimtest`, run by
 * the real fabric-chaincode-node server) has `slow(ms)`, which sleeps and then writes the key `slow`; the EHR
 * contract is left alone. Two deadlines are tried: the peer's (Fabric's chaincode.executetimeout, set to 2 s in the
 * peer's config and the peer restarted) → the client gets Fabric's "timeout expired while executing transaction";
 * and the client's own (fabric-gateway's endorse deadline, 1 s, shorter than the chaincode's run but not the
 * peer's) → DEADLINE_EXCEEDED. Neither transaction may commit: after the chaincode has woken up and a later write
 * has committed, `slow` must still be unwritten.
 */
import { connect, type Contract } from '@hyperledger/fabric-gateway';
import type { BenchDevnet } from '../devnet-harness.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { peerLedger, setExecuteTimeout, startDevnet } from './disk-devnet.js';
import { attemptPut, describeClientError, pageSizedValue } from './write-probe.js';

const PEER_TIMEOUT_MS = 2_000;
const PEER_SLOW_MS = 5_000;
const CLIENT_DEADLINE_MS = 1_000;
const CLIENT_SLOW_MS = 1_800;

export const slowChaincodeCase: FaultCase = {
  id: 'chaincode-deadline-exceeded',
  group: 'disk',
  summary:
    'a chaincode call past the peer execute timeout and past the client deadline: told, nothing committed',
  run: runSlowChaincode,
};

interface SlowCall {
  readonly errorClass?: string;
  readonly status?: string;
  readonly error?: string;
  readonly seconds: number;
}

async function callSlow(contract: Contract, ms: number): Promise<SlowCall> {
  const started = Date.now();
  try {
    await contract.submitTransaction('slow', String(ms));
    return { seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    return { ...describeClientError(error), seconds: (Date.now() - started) / 1000 };
  }
}

async function runSlowChaincode(context: FaultContext): Promise<FaultOutcome> {
  const devnet = await startDevnet(context.portOffset, context.log);
  const client = devnet.grpcClient();
  const gateway = devnet.user1Gateway(client, 'node-crypto');
  const hurried = hurriedGateway(devnet, client);
  try {
    setExecuteTimeout(devnet, PEER_TIMEOUT_MS);
    context.log(`peer restarted with chaincodeExecuteTimeoutMs ${PEER_TIMEOUT_MS}`);
    const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
    const heightBefore = (await peerLedger(devnet)).height;

    const peerTimeout = await callSlow(contract, PEER_SLOW_MS);
    const clientDeadline = await callSlow(
      hurried.getNetwork('mychannel').getContract('shimtest', 'shimtest'),
      CLIENT_SLOW_MS,
    );
    // Let both chaincode runs finish, then commit something else: a late write would be in a block by now.
    await new Promise((resolve) => setTimeout(resolve, PEER_SLOW_MS));
    const later = await attemptPut(contract, 'after-slow', pageSizedValue());
    const slowValue = Buffer.from(await contract.evaluateTransaction('get', 'slow')).toString('utf8');
    const heightAfter = (await peerLedger(devnet)).height;

    const checks: Record<string, boolean> = {
      "peer timeout: the client is told Fabric's 'timeout expired while executing transaction'":
        /timeout expired while executing transaction/.test(peerTimeout.error ?? ''),
      'peer timeout: refused at endorsement, near the 2 s timeout, not after the 5 s run':
        peerTimeout.errorClass === 'EndorseError' && peerTimeout.seconds < PEER_SLOW_MS / 1000,
      'client deadline: DEADLINE_EXCEEDED': clientDeadline.status === 'DEADLINE_EXCEEDED',
      'client deadline: given up near its 1 s deadline': clientDeadline.seconds < CLIENT_SLOW_MS / 1000,
      'a later write commits (the peer is fine)': later.acknowledged,
      'neither slow call committed (key "slow" unwritten)': slowValue === '',
      'exactly one block committed since (the later write)': heightAfter === heightBefore + 1,
    };
    return {
      id: slowChaincodeCase.id,
      group: 'disk',
      done:
        `Set the peer's chaincode execute timeout to ${PEER_TIMEOUT_MS / 1000} s and called the test contract's ` +
        `slow(${PEER_SLOW_MS} ms); then slow(${CLIENT_SLOW_MS} ms) from a client whose endorse deadline is ` +
        `${CLIENT_DEADLINE_MS / 1000} s; then one ordinary write.`,
      happened:
        `Peer timeout: ${peerTimeout.errorClass ?? 'no error'} ${peerTimeout.status ?? ''} after ` +
        `${peerTimeout.seconds.toFixed(1)} s (${peerTimeout.error ?? ''}). Client deadline: ` +
        `${clientDeadline.errorClass ?? 'no error'} ${clientDeadline.status ?? ''} after ` +
        `${clientDeadline.seconds.toFixed(1)} s. Key "slow" ${slowValue === '' ? 'unwritten' : `= ${slowValue}`}; ` +
        `height ${heightBefore} → ${heightAfter}.`,
      passed: Object.values(checks).every(Boolean),
      checks,
      acknowledged: later.acknowledged ? 1 : 0,
      onLedger: later.acknowledged ? 1 : 0,
      details: { peerTimeout, clientDeadline, heightBefore, heightAfter, slowValue },
    };
  } finally {
    hurried.close();
    gateway.close();
    client.close();
    await devnet.destroy();
  }
}

/** User1 again, with an endorse deadline shorter than the chaincode's run: fabric-gateway's own deadline path. */
function hurriedGateway(devnet: BenchDevnet, client: ReturnType<BenchDevnet['grpcClient']>) {
  return connect({
    client,
    ...devnet.user1Identity(),
    endorseOptions: () => ({ deadline: Date.now() + CLIENT_DEADLINE_MS }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 10_000 }),
  });
}
