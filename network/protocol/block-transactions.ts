/**
 * Reads a committed block's transactions back: tx id, header type, validation code from TRANSACTIONS_FILTER and the
 * chaincode event of endorser transactions. Used to serve events from blocks already on disk.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import type { CommittedTransaction, TxValidationCodeValue } from '../ledger/types.js';

const TRANSACTIONS_FILTER = 2;

export function blockTransactions(block: common.Block): CommittedTransaction[] {
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
  return (
    block
      .getData()
      ?.getDataList_asU8()
      .map((envelopeBytes, index) => {
        const code = (filter[index] ?? 254) as TxValidationCodeValue;
        try {
          const envelope = common.Envelope.deserializeBinary(envelopeBytes);
          const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
          const channelHeader = common.ChannelHeader.deserializeBinary(
            payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
          );
          const base = { txId: channelHeader.getTxId(), index, code, headerType: channelHeader.getType() };
          if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return base;
          const event = chaincodeEventOf(payload.getData_asU8());
          return event === undefined ? base : { ...base, chaincodeEvent: event };
        } catch {
          return { txId: '', index, code, headerType: -1 };
        }
      }) ?? []
  );
}

function chaincodeEventOf(transactionBytes: Uint8Array): Uint8Array | undefined {
  const transaction = peer.Transaction.deserializeBinary(transactionBytes);
  const action = transaction.getActionsList()[0];
  if (action === undefined) return undefined;
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const prp = actionPayload.getAction()?.getProposalResponsePayload_asU8();
  if (prp === undefined) return undefined;
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(prp);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const events = chaincodeAction.getEvents_asU8();
  return events.length === 0 ? undefined : events;
}
