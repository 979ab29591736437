/**
 * What a block wrote to one chaincode's namespace, decoded from the block itself (the audit trusts neither the
 * migrator's checkpoint nor the chaincode's queries): Envelope → Payload → Transaction → ChaincodeActionPayload →
 * ProposalResponsePayload → ChaincodeAction.results → TxReadWriteSet → KVRWSet. Only transactions the committing
 * peer marked VALID in the block's TRANSACTIONS_FILTER count; config and other non-endorser transactions carry no
 * chaincode writes. Pure: bytes in, values out.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { BlockDecodeError } from '../errors.js';

export { BlockDecodeError };

/** TxValidationCode.VALID */
const VALID = 0;

export interface NamespaceWrite {
  readonly key: string;
  /** Fabric's IsKVWriteDelete: is_delete, or an empty value. */
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface TransactionWrites {
  readonly blockNumber: bigint;
  readonly txId: string;
  readonly writes: readonly NamespaceWrite[];
}

export interface BlockWrites {
  readonly blockNumber: bigint;
  /** Endorser transactions in the block, valid or not. */
  readonly transactions: number;
  readonly invalidTransactions: number;
  /** Valid transactions that wrote to the namespace, in block order. */
  readonly valid: readonly TransactionWrites[];
}

export function blockWrites(block: common.Block, namespace: string): BlockWrites {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  let transactions = 0;
  let invalidTransactions = 0;
  const valid: TransactionWrites[] = [];
  envelopes.forEach((bytes, index) => {
    const where = `block ${blockNumber} transaction ${index}`;
    const payload = decode(
      () => common.Payload.deserializeBinary(envelopeOf(bytes).getPayload_asU8()),
      where,
    );
    const channelHeader = decode(
      () =>
        common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        ),
      where,
    );
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
    transactions += 1;
    const code = filter?.[index];
    if (code === undefined) {
      throw new BlockDecodeError(`${where} has no entry in the TRANSACTIONS_FILTER metadata`);
    }
    if (code !== VALID) {
      invalidTransactions += 1;
      return;
    }
    const writes = decode(() => endorserWrites(payload, namespace), `${where} (${channelHeader.getTxId()})`);
    if (writes.length > 0) valid.push({ blockNumber, txId: channelHeader.getTxId(), writes });
  });
  return { blockNumber, transactions, invalidTransactions, valid };
}

function envelopeOf(bytes: Uint8Array): common.Envelope {
  return common.Envelope.deserializeBinary(bytes);
}

function endorserWrites(payload: common.Payload, namespace: string): NamespaceWrite[] {
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const writes: NamespaceWrite[] = [];
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      if (ns.getNamespace() !== namespace) continue;
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const write of kv.getWritesList()) {
        const value = write.getValue_asU8();
        writes.push({ key: write.getKey(), isDelete: write.getIsDelete() || value.length === 0, value });
      }
    }
  }
  return writes;
}

function decode<T>(read: () => T, where: string): T {
  try {
    return read();
  } catch (error) {
    throw new BlockDecodeError(
      `${where} cannot be decoded (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}
