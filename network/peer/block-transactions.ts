/**
 * A stored block's transactions as the peer's event services report them: tx id, header type, validation code from
 * TRANSACTIONS_FILTER and the chaincode event, decoded the way the ledger's replay decodes them.
 */
import type { common } from '@hyperledger/fabric-protos';
import { decodeChaincodeEvent, decodeCommittedHeader } from '../ledger/committed-tx.js';
import type { CommittedTransaction, TxValidationCodeValue } from '../ledger/types.js';

const TRANSACTIONS_FILTER = 2;
const ENDORSER_TRANSACTION = 3;
const NOT_VALIDATED = 254;

export function blockTransactions(block: common.Block): CommittedTransaction[] {
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
  return (block.getData()?.getDataList_asU8() ?? []).map((envelopeBytes, index) => {
    const code = (filter[index] ?? NOT_VALIDATED) as TxValidationCodeValue;
    const header = decodeCommittedHeader(envelopeBytes);
    if (header === undefined) return { txId: '', index, code, headerType: -1 };
    const base = { txId: header.txId, index, code, headerType: header.headerType };
    if (header.headerType !== ENDORSER_TRANSACTION) return base;
    const event = decodeChaincodeEvent(envelopeBytes);
    return event === undefined ? base : { ...base, chaincodeEvent: event };
  });
}
