/**
 * Test-only: a running orderer (OrdererNode + TLS gRPC + operations server) on 127.0.0.1 ephemeral ports, with a
 * throwaway PKI, plus a real grpc-js AtomicBroadcastClient and envelope builders for client messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type { SigningIdentity } from '../../msp/types.js';
import type { BatchSettings, ChannelConfigInput } from '../../protocol/channel-config.js';
import { MAX_MESSAGE_BYTES, type OrdererGrpcServer } from '../grpc-server.js';
import type { OperationsServer } from '../../operations-server.js';
import type { OrdererNode } from '../orderer-node.js';
import { startOrdererService } from '../orderer-service.js';
import { createTestCa, TestIdentityValidator, type IssuedIdentity, type TestCa } from './test-identities.js';

const { Timestamp } = timestampPb;

export interface Pki {
  readonly ordererCa: TestCa;
  readonly org1Ca: TestCa;
  readonly strangerCa: TestCa;
  readonly tlsCa: TestCa;
  readonly ordererId: IssuedIdentity;
  readonly client: IssuedIdentity;
  readonly admin: IssuedIdentity;
  readonly peer: IssuedIdentity;
  readonly stranger: IssuedIdentity;
  readonly tls: IssuedIdentity;
}

export async function createPki(): Promise<Pki> {
  const ordererCa = await createTestCa('OrdererMSP');
  const org1Ca = await createTestCa('Org1MSP');
  const strangerCa = await createTestCa('Org1MSP', 'impostor-ca');
  const tlsCa = await createTestCa('OrdererMSP', 'tlsca.example.com');
  return {
    ordererCa,
    org1Ca,
    strangerCa,
    tlsCa,
    ordererId: await ordererCa.issue('orderer.example.com', 'orderer'),
    client: await org1Ca.issue('User1@org1.example.com', 'client'),
    admin: await org1Ca.issue('Admin@org1.example.com', 'admin'),
    peer: await org1Ca.issue('peer0.org1.example.com', 'peer'),
    stranger: await strangerCa.issue('User1@org1.example.com', 'client'),
    tls: await tlsCa.issue('orderer.example.com', 'none', {
      dns: ['orderer.example.com', 'localhost'],
      ip: ['127.0.0.1'],
    }),
  };
}

export function channelInput(pki: Pki, channelId: string, batch: BatchSettings): ChannelConfigInput {
  return {
    channelId,
    orgs: [
      {
        mspId: 'Org1MSP',
        rootCertsPem: [pki.org1Ca.certificatePem],
        tlsRootCertsPem: [pki.tlsCa.certificatePem],
      },
    ],
    ordererOrgs: [
      {
        mspId: 'OrdererMSP',
        rootCertsPem: [pki.ordererCa.certificatePem],
        tlsRootCertsPem: [pki.tlsCa.certificatePem],
      },
    ],
    ordererAddresses: ['127.0.0.1:7050'],
    consenters: [
      {
        host: '127.0.0.1',
        port: 7050,
        clientTlsCertPem: pki.tls.certificatePem,
        serverTlsCertPem: pki.tls.certificatePem,
      },
    ],
    batch,
  };
}

export interface RunningOrderer {
  readonly node: OrdererNode;
  readonly grpc: OrdererGrpcServer;
  readonly ops: OperationsServer;
  readonly client: orderer.AtomicBroadcastClient;
  stop(): Promise<void>;
}

export async function startOrderer(
  pki: Pki,
  dataDir: string,
  channels: readonly ChannelConfigInput[],
): Promise<RunningOrderer> {
  const service = await startOrdererService({
    dataDir,
    signer: pki.ordererId.signer,
    identities: new TestIdentityValidator([pki.ordererCa, pki.org1Ca]),
    channels: channels.map((config) => ({ config })),
    listen: { port: 0 },
    tls: { certPem: pki.tls.certificatePem, keyPem: pki.tls.privateKeyPem },
    operations: { port: 0 },
  });
  const client = new orderer.AtomicBroadcastClient(
    service.grpc.address,
    grpc.credentials.createSsl(Buffer.from(pki.tlsCa.certificatePem)),
    {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // verify the certificate by its DNS SAN: Node refuses SNI with an IP address
      'grpc.ssl_target_name_override': 'localhost',
    },
  );
  return {
    node: service.node,
    grpc: service.grpc,
    ops: service.operations,
    client,
    async stop() {
      client.close();
      await service.close();
    },
  };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'orderer-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface EnvelopeOptions {
  readonly channelId: string;
  readonly type: number;
  readonly data: Uint8Array;
  /** Creator in the signature header; omitted → no creator. */
  readonly creator?: SigningIdentity;
  /** Who signs the payload: default the creator; null → unsigned. */
  readonly signWith?: SigningIdentity | null;
  readonly timestamp?: Date;
}

export function makeEnvelope(options: EnvelopeOptions): common.Envelope {
  const now = options.timestamp ?? new Date();
  const ts = new Timestamp();
  ts.setSeconds(Math.floor(now.getTime() / 1000));
  ts.setNanos((now.getTime() % 1000) * 1e6);
  const chdr = new common.ChannelHeader();
  chdr.setType(options.type);
  chdr.setChannelId(options.channelId);
  chdr.setTxId(randomBytes(32).toString('hex'));
  chdr.setTimestamp(ts);
  const shdr = new common.SignatureHeader();
  if (options.creator) shdr.setCreator(options.creator.serialized);
  shdr.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(chdr.serializeBinary());
  header.setSignatureHeader(shdr.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(options.data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  const signer = options.signWith === undefined ? options.creator : options.signWith;
  if (signer) envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}

export function txEnvelope(channelId: string, creator: SigningIdentity, size = 64): common.Envelope {
  return makeEnvelope({
    channelId,
    type: common.HeaderType.ENDORSER_TRANSACTION,
    data: randomBytes(size),
    creator,
  });
}

export type Position = 'oldest' | 'newest' | 'next' | number;

function seekPosition(position: Position): orderer.SeekPosition {
  const out = new orderer.SeekPosition();
  if (position === 'oldest') out.setOldest(new orderer.SeekOldest());
  else if (position === 'newest') out.setNewest(new orderer.SeekNewest());
  else if (position === 'next') out.setNextCommit(new orderer.SeekNextCommit());
  else {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(position);
    out.setSpecified(specified);
  }
  return out;
}

export function seekEnvelope(
  channelId: string,
  creator: SigningIdentity | undefined,
  start: Position,
  stop: Position,
  behavior: 'block' | 'fail',
  extra: Partial<EnvelopeOptions> = {},
): common.Envelope {
  const seek = new orderer.SeekInfo();
  seek.setStart(seekPosition(start));
  seek.setStop(seekPosition(stop));
  seek.setBehavior(
    behavior === 'block'
      ? orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY
      : orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY,
  );
  return makeEnvelope({
    channelId,
    type: common.HeaderType.DELIVER_SEEK_INFO,
    data: seek.serializeBinary(),
    creator,
    ...extra,
  });
}

export interface BroadcastOutcome {
  readonly responses: { status: number; info: string }[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
}

/** Sends envelopes on one Broadcast stream and collects the responses until `expected` arrive or the stream ends. */
export function broadcast(
  client: orderer.AtomicBroadcastClient,
  envelopes: readonly common.Envelope[],
  expected = envelopes.length,
): Promise<BroadcastOutcome> {
  return new Promise((resolve, reject) => {
    const call = client.broadcast();
    const responses: { status: number; info: string }[] = [];
    let ended = false;
    const done = (): void => {
      call.end();
      resolve({ responses, ended });
    };
    call.on('data', (response: orderer.BroadcastResponse) => {
      responses.push({ status: response.getStatus(), info: response.getInfo() });
      if (responses.length === expected) setImmediate(done);
    });
    call.on('end', () => {
      ended = true;
      if (responses.length < expected) done();
    });
    call.on('error', reject);
    for (const envelope of envelopes) call.write(envelope);
  });
}

export interface DeliverOutcome {
  readonly blocks: common.Block[];
  readonly status: number | undefined;
}

/** Sends one SeekInfo and collects blocks until a status arrives (or `onBlock` says stop). */
export function deliver(
  client: orderer.AtomicBroadcastClient,
  seek: common.Envelope,
  onBlock?: (block: common.Block) => void,
  halfClose = false,
): Promise<DeliverOutcome> {
  return new Promise((resolve, reject) => {
    const call = client.deliver();
    const blocks: common.Block[] = [];
    call.on('data', (response: orderer.DeliverResponse) => {
      if (response.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) {
        const block = response.getBlock();
        if (block) {
          blocks.push(block);
          onBlock?.(block);
        }
      } else {
        call.cancel();
        resolve({ blocks, status: response.getStatus() });
      }
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (error.code === grpc.status.CANCELLED) resolve({ blocks, status: undefined });
      else reject(error);
    });
    call.write(seek);
    // Some clients end their side right after the SeekInfo; the server must keep streaming regardless.
    if (halfClose) call.end();
  });
}
