/**
 * The gateway's prepared transaction (Fabric internal/pkg/gateway prepareTransaction), assembled around the client's
 * own header bytes: Envelope{payload: Payload{header: <client's Header bytes>, data: Transaction}}, unsigned. The
 * client signs Envelope.payload, and the committer hashes the channel and signature headers it contains, so those
 * bytes are copied, never decoded and encoded again.
 */
import { peer } from '@hyperledger/fabric-protos';
import { proposalPayloadForTx, type UnpackedProposal } from './proposal.js';

export function prepareTransaction(
  proposal: UnpackedProposal,
  proposalResponsePayload: Uint8Array,
  endorsements: readonly peer.Endorsement[],
): Uint8Array {
  const action = new peer.ChaincodeEndorsedAction();
  action.setProposalResponsePayload(proposalResponsePayload);
  action.setEndorsementsList([...endorsements]);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayloadForTx(proposal.invocationSpecBytes));
  actionPayload.setAction(action);

  const transactionAction = new peer.TransactionAction();
  transactionAction.setHeader(proposal.signatureHeaderBytes);
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  // common.Payload{header = 1, data = 2}, written by hand so the header stays the client's bytes.
  const payload = concat(
    lengthDelimited(1, proposal.headerBytes),
    lengthDelimited(2, transaction.serializeBinary()),
  );
  // common.Envelope{payload = 1}; the signature (2) is the client's to add.
  return lengthDelimited(1, payload);
}

/** One protobuf length-delimited field: key (field << 3 | 2), varint length, bytes. */
export function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  return concat(varint((field << 3) | 2), varint(bytes.length), bytes);
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
