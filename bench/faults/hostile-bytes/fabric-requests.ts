/**
 * Well-formed Fabric requests to spoil: a SignedProposal made and signed by the unmodified
 * @hyperledger/fabric-gateway client (offline, nothing sent), the gateway requests around it, a signed commit-status
 * request and signed Deliver seeks, all as bytes. The cases cut, replace or inflate these bytes.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, hash } from '@hyperledger/fabric-gateway';
import { common, gateway, orderer } from '@hyperledger/fabric-protos';
import type { LoadedSigningIdentity } from '../../../network/msp/signing-identity.js';
import { signedEnvelope } from '../../../network/protocol/signed-envelope.js';

export interface ProposalMaterial {
  readonly txId: string;
  readonly signedProposal: Buffer;
  readonly evaluateRequest: Buffer;
  readonly endorseRequest: Buffer;
  readonly submitRequest: Buffer;
  readonly commitStatusRequest: Buffer;
}

/** A signed `ehr` ReadRecord proposal from `user` and every gateway request built around it. */
export function proposalMaterial(
  client: grpc.Client,
  user: LoadedSigningIdentity,
  channelId: string,
): ProposalMaterial {
  const gatewayClient = connect({
    client,
    identity: { mspId: user.mspId, credentials: Buffer.from(user.certificatePem) },
    // hash.none hands the signer the whole message; our identity hashes (SHA-256) and signs it, low-S.
    hash: hash.none,
    signer: (message) => Promise.resolve(user.sign(message)),
  });
  try {
    const unsigned = gatewayClient
      .getNetwork(channelId)
      .getContract('ehr')
      .newProposal('ReadRecord', { arguments: ['Patient', 'hostile-bytes'] });
    const signed = gatewayClient.newSignedProposal(unsigned.getBytes(), user.sign(unsigned.getDigest()));
    const proposed = gateway.ProposedTransaction.deserializeBinary(signed.getBytes());
    const signedProposal = proposed.getProposal();
    if (signedProposal === undefined)
      throw new Error('fabric-gateway built a proposal without a SignedProposal');
    const txId = signed.getTransactionId();

    const evaluate = new gateway.EvaluateRequest();
    evaluate.setTransactionId(txId);
    evaluate.setChannelId(channelId);
    evaluate.setProposedTransaction(signedProposal);
    const endorse = new gateway.EndorseRequest();
    endorse.setTransactionId(txId);
    endorse.setChannelId(channelId);
    endorse.setProposedTransaction(signedProposal);
    const envelope = new common.Envelope();
    envelope.setPayload(signedProposal.getProposalBytes_asU8());
    envelope.setSignature(signedProposal.getSignature_asU8());
    const submit = new gateway.SubmitRequest();
    submit.setTransactionId(txId);
    submit.setChannelId(channelId);
    submit.setPreparedTransaction(envelope);
    const status = new gateway.CommitStatusRequest();
    status.setChannelId(channelId);
    status.setTransactionId(txId);
    status.setIdentity(user.serialized);
    const statusBytes = status.serializeBinary();
    const signedStatus = new gateway.SignedCommitStatusRequest();
    signedStatus.setRequest(statusBytes);
    signedStatus.setSignature(user.sign(statusBytes));

    return {
      txId,
      signedProposal: Buffer.from(signedProposal.serializeBinary()),
      evaluateRequest: Buffer.from(evaluate.serializeBinary()),
      endorseRequest: Buffer.from(endorse.serializeBinary()),
      submitRequest: Buffer.from(submit.serializeBinary()),
      commitStatusRequest: Buffer.from(signedStatus.serializeBinary()),
    };
  } finally {
    gatewayClient.close();
  }
}

export type SeekPoint = { readonly specified: number } | 'newest' | 'oldest';

function seekPosition(point: SeekPoint): orderer.SeekPosition {
  const position = new orderer.SeekPosition();
  if (point === 'newest') position.setNewest(new orderer.SeekNewest());
  else if (point === 'oldest') position.setOldest(new orderer.SeekOldest());
  else {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(point.specified);
    position.setSpecified(specified);
  }
  return position;
}

/** A Deliver request signed by `user`: blocks from `start` to `stop` with the given behaviour. */
export function seekEnvelope(
  user: LoadedSigningIdentity,
  channelId: string,
  start: SeekPoint,
  stop: SeekPoint,
  behavior: 'block-until-ready' | 'fail-if-not-ready',
): Buffer {
  const seek = new orderer.SeekInfo();
  seek.setStart(seekPosition(start));
  seek.setStop(seekPosition(stop));
  seek.setBehavior(
    behavior === 'fail-if-not-ready'
      ? orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY
      : orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY,
  );
  const envelope = signedEnvelope(
    common.HeaderType.DELIVER_SEEK_INFO,
    channelId,
    seek.serializeBinary(),
    user,
  );
  return Buffer.from(envelope.serializeBinary());
}

/** The status a Deliver stream ended with (its last DeliverResponse), or undefined when it sent none. */
export function deliverStatus(responses: readonly Buffer[]): number | undefined {
  const last = responses.at(-1);
  if (last === undefined) return undefined;
  // peer.DeliverResponse and orderer.DeliverResponse both carry the status as field 1.
  const response = orderer.DeliverResponse.deserializeBinary(last);
  return response.getTypeCase() === orderer.DeliverResponse.TypeCase.STATUS
    ? response.getStatus()
    : undefined;
}

/** The status of the last BroadcastResponse, or undefined when none came. */
export function broadcastStatus(responses: readonly Buffer[]): number | undefined {
  const last = responses.at(-1);
  return last === undefined ? undefined : orderer.BroadcastResponse.deserializeBinary(last).getStatus();
}

const STATUS_NAMES = new Map<number, string>(
  Object.entries(common.Status as unknown as Record<string, number>).map(([name, value]) => [value, name]),
);

/** common.Status name for the page ("BAD_REQUEST" rather than 400). */
export function fabricStatusName(status: number | undefined): string {
  return status === undefined ? 'none' : (STATUS_NAMES.get(status) ?? String(status));
}
