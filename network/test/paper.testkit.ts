/**
 * TEST ONLY: what the paper profile's tests need beyond TestDevnet — who endorsed a committed transaction (read
 * from the block the peer delivers), the header hashes an orderer serves (read over its own Deliver), each peer's
 * state fingerprint, and a bounded steady load that records when every acknowledged transaction committed.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { blockHeaderHash } from '../protocol/block-hash.js';
import { seekFrom } from '../protocol/signed-envelope.js';
import type { TestDevnet } from './devnet.testkit.js';

/** `CN` of each endorser of `txId` in block `blockNumber`, with its MSP: e.g. Org2MSP/peer1.org2.example.com. */
export async function endorsersOf(network: Network, blockNumber: bigint, txId: string): Promise<string[]> {
  const events = await network.getBlockEvents({ startBlock: blockNumber });
  try {
    for await (const block of events) {
      for (const envelopeBytes of block.getData()?.getDataList_asU8() ?? []) {
        const payload = common.Payload.deserializeBinary(
          common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
        );
        const channelHeader = common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        if (channelHeader.getTxId() !== txId) continue;
        const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
        const action = transaction.getActionsList()[0];
        if (action === undefined) return [];
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
        return (endorsed?.getEndorsementsList() ?? []).map((endorsement) => {
          const identity = msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8());
          const subject = new X509Certificate(Buffer.from(identity.getIdBytes_asU8())).subject;
          return `${identity.getMspid()}/${/CN=([^\n,]+)/.exec(subject)?.[1] ?? '?'}`;
        });
      }
      return [];
    }
    return [];
  } finally {
    events.close();
  }
}

/** Hex header hashes of blocks 0..count-1 as one orderer serves them (Deliver over TLS, signed by Org1's User1). */
export async function ordererHeaderHashes(
  devnet: TestDevnet,
  defaultPort: number,
  host: string,
  count: number,
): Promise<string[]> {
  const orgDir = path.join(devnet.home, 'organizations');
  const signer = await loadSigningIdentity(
    'Org1MSP',
    path.join(orgDir, 'peerOrganizations/org1.example.com/users/User1@org1.example.com/msp'),
  );
  const tlsRoot = path.join(orgDir, `ordererOrganizations/example.com/orderers/${host}/tls/ca.crt`);
  const { readFileSync } = await import('node:fs');
  const client = new orderer.AtomicBroadcastClient(
    `127.0.0.1:${devnet.port(defaultPort)}`,
    grpc.credentials.createSsl(readFileSync(tlsRoot)),
    {
      'grpc.ssl_target_name_override': host,
    },
  );
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const hashes: string[] = [];
      const stream = client.deliver({ deadline: Date.now() + 20_000 });
      stream.on('data', (response: orderer.DeliverResponse) => {
        const header = response.getBlock()?.getHeader();
        if (header === undefined) return;
        hashes.push(
          Buffer.from(
            blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()),
          ).toString('hex'),
        );
        if (hashes.length === count) {
          stream.cancel();
          resolve(hashes);
        }
      });
      stream.on('error', (error: grpc.ServiceError) => {
        if (hashes.length < count) reject(error);
      });
      stream.write(seekFrom('mychannel', 0, signer));
    });
  } finally {
    client.close();
  }
}

/** A peer's ledger height and state fingerprint from its admin endpoint. */
export async function peerState(
  devnet: TestDevnet,
  defaultOperationsPort: number,
): Promise<{ height: number; fingerprint: string }> {
  const response = await fetch(`http://127.0.0.1:${devnet.port(defaultOperationsPort)}/devnet/state`, {
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { height: number; fingerprint: string };
}

export interface LoadResult {
  /** Keys whose transaction the client saw committed VALID. */
  readonly acknowledged: readonly string[];
  /** Submissions that failed, with the client's message. */
  readonly failures: readonly string[];
  /** Longest time between two consecutive acknowledged commits, ms. */
  readonly longestGapMs: number;
  /** When the first commit after `markAt` (ms into the run) was acknowledged, ms after `markAt`; -1 if none. */
  readonly firstCommitAfterMarkMs: number;
}

/**
 * `concurrency` clients each submitting `put(prefix-N, N)` one after another until `durationMs` has passed or
 * `maxTransactions` were started; `during` runs once at `markAt` ms (the fault). Bounded in time and count.
 */
export async function steadyLoad(
  contract: Contract,
  options: {
    prefix: string;
    durationMs: number;
    maxTransactions: number;
    concurrency: number;
    markAt: number;
    during: () => Promise<void>;
  },
): Promise<LoadResult> {
  const started = Date.now();
  const acknowledged: string[] = [];
  const failures: string[] = [];
  const commitTimes: number[] = [];
  let next = 0;
  const worker = async () => {
    while (Date.now() - started < options.durationMs && next < options.maxTransactions) {
      const key = `${options.prefix}-${next++}`;
      try {
        const submitted = await contract.submitAsync('put', { arguments: [key, key] });
        const status = await submitted.getStatus();
        if (status.successful) {
          acknowledged.push(key);
          commitTimes.push(Date.now() - started);
        } else failures.push(`${key}: commit status ${status.code}`);
      } catch (error) {
        failures.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const fault = (async () => {
    await new Promise((resolve) => setTimeout(resolve, options.markAt));
    await options.during();
  })();
  await Promise.all([...Array.from({ length: options.concurrency }, worker), fault]);
  const sorted = [...commitTimes].sort((a, b) => a - b);
  let longestGapMs = 0;
  for (let i = 1; i < sorted.length; i++)
    longestGapMs = Math.max(longestGapMs, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  const after = sorted.find((time) => time > options.markAt);
  return {
    acknowledged,
    failures,
    longestGapMs,
    firstCommitAfterMarkMs: after === undefined ? -1 : after - options.markAt,
  };
}
