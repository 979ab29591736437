/**
 * Unpacks a SignedProposal the way Fabric's endorser does (core/endorser/msgvalidation.go UnpackProposal), keeping
 * every byte string the client signed or hashed so nothing downstream re-encodes the client's messages.
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';

export interface UnpackedProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly signedProposalBytes: Uint8Array;
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly headerBytes: Uint8Array;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeaderBytes: Uint8Array;
  readonly channelHeader: common.ChannelHeader;
  readonly signatureHeader: common.SignatureHeader;
  readonly channelId: string;
  readonly txId: string;
  readonly chaincodeName: string;
  /** bytes(ChaincodeInvocationSpec) exactly as the client sent them (ChaincodeProposalPayload.input). */
  readonly invocationSpecBytes: Uint8Array;
  /** bytes(ChaincodeInput) of the invocation spec, what the chaincode receives in TRANSACTION. */
  readonly chaincodeInputBytes: Uint8Array;
  readonly hasTransientData: boolean;
}

/** A proposal that cannot be decoded; the message reads like Fabric's so clients see the same text. */
export class ProposalFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProposalFormatError';
  }
}

export function unpackSignedProposal(signedProposal: peer.SignedProposal): UnpackedProposal {
  const proposalBytes = signedProposal.getProposalBytes_asU8();
  if (proposalBytes.length === 0) throw new ProposalFormatError('a signed proposal is required');
  const proposal = decode(() => peer.Proposal.deserializeBinary(proposalBytes), 'proposal');
  const headerBytes = proposal.getHeader_asU8();
  const header = decode(() => common.Header.deserializeBinary(headerBytes), 'header');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = decode(
    () => common.ChannelHeader.deserializeBinary(channelHeaderBytes),
    'channel header',
  );
  const signatureHeader = decode(
    () => common.SignatureHeader.deserializeBinary(signatureHeaderBytes),
    'signature header',
  );
  const payload = decode(
    () => peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()),
    'chaincode proposal payload',
  );
  const invocationSpecBytes = payload.getInput_asU8();
  const spec = decode(
    () => peer.ChaincodeInvocationSpec.deserializeBinary(invocationSpecBytes),
    'chaincode invocation spec',
  );
  const channelId = channelHeader.getChannelId();
  if (channelId === '') throw new ProposalFormatError('no channel id provided');
  const chaincodeSpec = spec.getChaincodeSpec();
  if (chaincodeSpec === undefined) {
    throw new ProposalFormatError(`no chaincode spec is provided, channel id [${channelId}]`);
  }
  const chaincodeId = chaincodeSpec.getChaincodeId();
  if (chaincodeId === undefined) {
    throw new ProposalFormatError(`no chaincode id is provided, channel id [${channelId}]`);
  }
  if (chaincodeId.getName() === '') {
    throw new ProposalFormatError(`no chaincode name is provided, channel id [${channelId}]`);
  }
  const input = chaincodeSpec.getInput() ?? new peer.ChaincodeInput();
  return {
    signedProposal,
    signedProposalBytes: signedProposal.serializeBinary(),
    proposalBytes,
    signature: signedProposal.getSignature_asU8(),
    headerBytes,
    channelHeaderBytes,
    signatureHeaderBytes,
    channelHeader,
    signatureHeader,
    channelId,
    txId: channelHeader.getTxId(),
    chaincodeName: chaincodeId.getName(),
    invocationSpecBytes,
    // Re-encoding ChaincodeInput is safe: only the chaincode reads it, and it is never hashed or signed.
    chaincodeInputBytes: input.serializeBinary(),
    hasTransientData: payload.getTransientmapMap().getLength() > 0,
  };
}

function decode<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    throw new ProposalFormatError(
      `error unmarshalling ${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Fabric's tx id: hex(SHA-256(nonce ‖ creator)) (protoutil.ComputeTxID). */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/**
 * bytes(ChaincodeProposalPayload{input, no TransientMap}): what the transaction carries and what the proposal hash
 * covers (protoutil.GetBytesProposalPayloadForTx). One length-delimited field, so the encoding is canonical.
 */
export function proposalPayloadForTx(invocationSpecBytes: Uint8Array): Uint8Array {
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocationSpecBytes);
  return payload.serializeBinary();
}

/** SHA-256(channel_header ‖ signature_header ‖ payload for tx): ProposalResponsePayload.proposal_hash. */
export function proposalHash(p: UnpackedProposal): Uint8Array {
  return createHash('sha256')
    .update(p.channelHeaderBytes)
    .update(p.signatureHeaderBytes)
    .update(proposalPayloadForTx(p.invocationSpecBytes))
    .digest();
}
