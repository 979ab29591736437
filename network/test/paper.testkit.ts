/**
 * TEST ONLY: what the paper profile's tests need beyond TestDevnet — who endorsed a committed transaction (read
 * from the block the peer delivers) and the header hashes an orderer serves (read over its own Deliver). The steady
 * load and the convergence checks the benchmark shares live in network/node/paper-load.ts.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
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
