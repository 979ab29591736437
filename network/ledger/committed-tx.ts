/**
 * Decoding of a transaction that is already in the block store, for replay: its codes are taken from the stored
 * TRANSACTIONS_FILTER and nothing is checked again, so replay applies exactly what the first commit decided.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { LedgerError } from './ledger-error.js';
import { decodeTxRwSet, type NsRwSet } from './rwset.js';

export interface CommittedTxHeader {
  readonly headerType: number;
  readonly txId: string;
  readonly timestamp: { seconds: number; nanos: number };
}

/** The header of a stored transaction, or undefined when it never decoded (it then has an invalid code). */
export function decodeCommittedHeader(envelopeBytes: Uint8Array): CommittedTxHeader | undefined {
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const header = payload.getHeader();
    if (header === undefined) return undefined;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const timestamp = channelHeader.getTimestamp();
    return {
      headerType: channelHeader.getType(),
      txId: channelHeader.getTxId(),
      timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
    };
  } catch {
    return undefined;
  }
}

/**
 * The chaincode event of any endorser transaction whose action decodes, whatever its code: Fabric's filtered
 * blocks (deliverevents.go) carry events of invalid transactions too, and listeners filter by code themselves.
 */
export function decodeChaincodeEvent(envelopeBytes: Uint8Array): Uint8Array | undefined {
  try {
    return decodeCommittedAction(envelopeBytes, 'event').event;
  } catch {
    return undefined; // an action that does not decode has no event to report
  }
}

/** The read-write set and event of a stored endorser transaction marked VALID; a failure means a corrupt ledger. */
export function decodeCommittedAction(
  envelopeBytes: Uint8Array,
  where: string,
): { rwset: NsRwSet[]; event: Uint8Array | undefined } {
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(
      action?.getPayload_asU8() ?? new Uint8Array(0),
    );
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(0),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    const event = chaincodeAction.getEvents_asU8();
    return {
      rwset: decodeTxRwSet(chaincodeAction.getResults_asU8()),
      event: event.length > 0 ? event : undefined,
    };
  } catch (cause) {
    throw new LedgerError('LEDGER_BAD_BLOCK', `${where} is marked VALID but its action does not decode`, {
      cause,
    });
  }
}
