/**
 * Signed envelopes a node sends for itself (a peer's Deliver seek to the orderer), built as Fabric's
 * protoutil.CreateSignedEnvelope does: a channel header with a timestamp, a signature header with a fresh nonce,
 * and the signature over the payload bytes.
 */
import { randomBytes } from 'node:crypto';
import { common, orderer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type { SigningIdentity } from '../msp/types.js';
import { computeTxId } from './proposal.js';

export function signedEnvelope(
  type: number,
  channelId: string,
  data: Uint8Array,
  signer: SigningIdentity,
): common.Envelope {
  const nonce = randomBytes(24);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(computeTxId(nonce, signer.serialized));
  channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(signer.serialized);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}

/** A Deliver request from block `start` on, waiting for blocks not yet cut (what peers send to orderers). */
export function seekFrom(channelId: string, start: number, signer: SigningIdentity): common.Envelope {
  const startPosition = new orderer.SeekPosition();
  const specified = new orderer.SeekSpecified();
  specified.setNumber(start);
  startPosition.setSpecified(specified);
  const stopPosition = new orderer.SeekPosition();
  const last = new orderer.SeekSpecified();
  last.setNumber(Number.MAX_SAFE_INTEGER);
  stopPosition.setSpecified(last);
  const seek = new orderer.SeekInfo();
  seek.setStart(startPosition);
  seek.setStop(stopPosition);
  seek.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  return signedEnvelope(common.HeaderType.DELIVER_SEEK_INFO, channelId, seek.serializeBinary(), signer);
}
