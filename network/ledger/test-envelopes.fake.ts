/**
 * Test-only builders of transaction envelopes with the real protos, assembled the way fabric-gateway's Endorse does
 * (FABRIC-WIRE.md §1 steps 1-3): the client's channel and signature header bytes are reused verbatim, the proposal
 * payload goes in without its TransientMap, each endorser signs proposal_response_payload ‖ endorser, and the
 * client signs Envelope.payload. Options break exactly one thing each, for the negative tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type { MerkleSummary } from './rwset.js';
import type { KeyVersion } from './types.js';
import type { TestIdentity } from './test-identities.fake.js';

export interface ReadSpec {
  key: string;
  version?: KeyVersion;
}

export interface RangeSpec {
  startKey: string;
  endKey: string;
  itrExhausted: boolean;
  rawReads: ReadSpec[];
  /** Recorded instead of rawReads, as Fabric's simulator does for ranges of over 50 results. */
  merkle?: MerkleSummary;
}

export interface NsSpec {
  namespace: string;
  reads?: ReadSpec[];
  rangeQueries?: RangeSpec[];
  /** value undefined = delete */
  writes?: { key: string; value?: string | Uint8Array }[];
  metadataWrites?: { key: string; entries?: Record<string, string> }[];
}

export interface TxSpec {
  channelId?: string;
  chaincode?: string;
  creator: TestIdentity;
  endorsers: TestIdentity[];
  rwset: NsSpec[];
  event?: { name: string; payload: string };
  /** Reuse a nonce to build a second transaction with the same txid. */
  nonce?: Uint8Array;
  timestamp?: Date;
  /** Signs Envelope.payload with this identity's key instead of the creator's. */
  envelopeSigner?: TestIdentity;
  txIdOverride?: string;
  corruptProposalHash?: boolean;
  corruptEndorsementSignature?: boolean;
  epoch?: number;
  headerType?: number;
  /** The ChaincodeAction's chaincode id, when it should differ from the invoked chaincode's. */
  actionChaincode?: { name: string; version: string };
  /** ChaincodeAction.results bytes instead of the encoded rwset. */
  results?: Uint8Array;
  /** ChannelHeader.extension bytes instead of the ChaincodeHeaderExtension. */
  headerExtension?: Uint8Array;
  /** ProposalResponsePayload.extension bytes instead of the ChaincodeAction. */
  chaincodeActionBytes?: Uint8Array;
  /** ChaincodeEvent.chaincode_id, when it should differ from the invoked chaincode. */
  eventChaincode?: string;
}

export interface BuiltTx {
  readonly txId: string;
  readonly envelope: Uint8Array;
}

export function buildEndorserTx(spec: TxSpec): BuiltTx {
  const channelId = spec.channelId ?? 'mychannel';
  const chaincode = spec.chaincode ?? 'basic';
  const nonce = spec.nonce ?? randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(spec.creator.serialized).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(spec.headerType ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(spec.txIdOverride ?? txId);
  channelHeader.setEpoch(spec.epoch ?? 0);
  channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(spec.timestamp ?? new Date()));
  channelHeader.setExtension$(spec.headerExtension ?? extension.serializeBinary());
  const channelHeaderBytes = channelHeader.serializeBinary();
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(spec.creator.serialized);
  signatureHeader.setNonce(nonce);
  const signatureHeaderBytes = signatureHeader.serializeBinary();

  const input = new peer.ChaincodeInput();
  input.setArgsList([Buffer.from('put'), Buffer.from(txId)]);
  const chaincodeSpec = new peer.ChaincodeSpec();
  chaincodeSpec.setChaincodeId(chaincodeId);
  chaincodeSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(chaincodeSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const proposalPayloadBytes = proposalPayload.serializeBinary();

  const proposalHash = createHash('sha256')
    .update(channelHeaderBytes)
    .update(signatureHeaderBytes)
    .update(proposalPayloadBytes)
    .digest();
  if (spec.corruptProposalHash === true) proposalHash[0] = (proposalHash[0] ?? 0) ^ 0xff;

  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(Buffer.from('ok'));
  const actionChaincodeId = new peer.ChaincodeID();
  actionChaincodeId.setName(spec.actionChaincode?.name ?? chaincode);
  actionChaincodeId.setVersion(spec.actionChaincode?.version ?? '1.0');
  const action = new peer.ChaincodeAction();
  action.setResults(spec.results ?? buildRwSet(spec.rwset));
  action.setResponse(response);
  action.setChaincodeId(actionChaincodeId);
  if (spec.event !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(spec.eventChaincode ?? chaincode);
    event.setTxId(txId);
    event.setEventName(spec.event.name);
    event.setPayload(Buffer.from(spec.event.payload));
    action.setEvents(event.serializeBinary());
  }
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(proposalHash);
  responsePayload.setExtension$(spec.chaincodeActionBytes ?? action.serializeBinary());
  const responsePayloadBytes = responsePayload.serializeBinary();

  const endorsements = spec.endorsers.map((endorser) => {
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(endorser.serialized);
    const signature = endorser.sign(Buffer.concat([responsePayloadBytes, endorser.serialized]));
    if (spec.corruptEndorsementSignature === true)
      signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0x01;
    endorsement.setSignature(signature);
    return endorsement;
  });
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayloadBytes);
  endorsed.setEndorsementsList(endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayloadBytes);
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setHeader(signatureHeaderBytes);
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  const header = new common.Header();
  header.setChannelHeader(channelHeaderBytes);
  header.setSignatureHeader(signatureHeaderBytes);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature((spec.envelopeSigner ?? spec.creator).sign(payloadBytes));
  return { txId, envelope: envelope.serializeBinary() };
}

/** An envelope whose payload is `payload`, signed by `signer`: for payloads that are not what they should be. */
export function buildRawEnvelope(payload: Uint8Array, signer: TestIdentity): Uint8Array {
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  envelope.setSignature(signer.sign(payload));
  return envelope.serializeBinary();
}

/**
 * A config transaction. Without a signer it is what configtxgen puts in a genesis block (no creator, no signature);
 * with one it is signed like the orderer's config blocks.
 */
export function buildConfigTx(signer?: TestIdentity, options: { emptyData?: boolean } = {}): BuiltTx {
  const channelId = 'mychannel';
  const nonce = randomBytes(24);
  const txId =
    signer === undefined ? '' : createHash('sha256').update(nonce).update(signer.serialized).digest('hex');
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
  const signatureHeader = new common.SignatureHeader();
  if (signer !== undefined) {
    signatureHeader.setCreator(signer.serialized);
    signatureHeader.setNonce(nonce);
  }
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const config = new common.ConfigEnvelope();
  config.setConfig(new common.Config());
  const payload = new common.Payload();
  payload.setHeader(header);
  if (options.emptyData !== true) payload.setData(config.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  if (signer !== undefined) envelope.setSignature(signer.sign(payloadBytes));
  return { txId, envelope: envelope.serializeBinary() };
}

function buildRwSet(namespaces: NsSpec[]): Uint8Array {
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  txRwSet.setNsRwsetList(
    namespaces.map((ns) => {
      const kv = new ledger.rwset.kvrwset.KVRWSet();
      kv.setReadsList((ns.reads ?? []).map(buildRead));
      kv.setRangeQueriesInfoList(
        (ns.rangeQueries ?? []).map((range) => {
          const info = new ledger.rwset.kvrwset.RangeQueryInfo();
          info.setStartKey(range.startKey);
          info.setEndKey(range.endKey);
          info.setItrExhausted(range.itrExhausted);
          if (range.merkle !== undefined) {
            const summary = new ledger.rwset.kvrwset.QueryReadsMerkleSummary();
            summary.setMaxDegree(range.merkle.maxDegree);
            summary.setMaxLevel(range.merkle.maxLevel);
            summary.setMaxLevelHashesList([...range.merkle.maxLevelHashes]);
            info.setReadsMerkleHashes(summary);
            return info;
          }
          const reads = new ledger.rwset.kvrwset.QueryReads();
          reads.setKvReadsList(range.rawReads.map(buildRead));
          info.setRawReads(reads);
          return info;
        }),
      );
      kv.setWritesList(
        (ns.writes ?? []).map((write) => {
          const kvWrite = new ledger.rwset.kvrwset.KVWrite();
          kvWrite.setKey(write.key);
          if (write.value === undefined) kvWrite.setIsDelete(true);
          else kvWrite.setValue(typeof write.value === 'string' ? Buffer.from(write.value) : write.value);
          return kvWrite;
        }),
      );
      kv.setMetadataWritesList(
        (ns.metadataWrites ?? []).map((write) => {
          const metadataWrite = new ledger.rwset.kvrwset.KVMetadataWrite();
          metadataWrite.setKey(write.key);
          metadataWrite.setEntriesList(
            Object.entries(write.entries ?? {}).map(([name, value]) => {
              const entry = new ledger.rwset.kvrwset.KVMetadataEntry();
              entry.setName(name);
              entry.setValue(Buffer.from(value));
              return entry;
            }),
          );
          return metadataWrite;
        }),
      );
      const nsRwSet = new ledger.rwset.NsReadWriteSet();
      nsRwSet.setNamespace(ns.namespace);
      nsRwSet.setRwset(kv.serializeBinary());
      return nsRwSet;
    }),
  );
  return txRwSet.serializeBinary();
}

function buildRead(read: ReadSpec): ledger.rwset.kvrwset.KVRead {
  const kvRead = new ledger.rwset.kvrwset.KVRead();
  kvRead.setKey(read.key);
  if (read.version !== undefined) {
    const version = new ledger.rwset.kvrwset.Version();
    version.setBlockNum(read.version.blockNum);
    version.setTxNum(read.version.txNum);
    kvRead.setVersion(version);
  }
  return kvRead;
}
