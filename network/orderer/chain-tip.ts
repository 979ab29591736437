/**
 * Where a restarted orderer resumes a channel: the next block number, the last block's header hash (the next
 * previous_hash) and the last config block's number, all read back from the stored chain.
 */
import { common, orderer } from '@hyperledger/fabric-protos';
import type { BlockStore } from '../ledger/types.js';
import { BlockMetadataIndex } from '../protocol/block-builder.js';
import { blockHeaderHash } from '../protocol/block-hash.js';
import type { ChainTip } from './channel-chain.js';

/** protoutil.GetLastConfigIndexFromBlock: OrdererBlockMetadata in SIGNATURES, else the LAST_CONFIG slot. */
export function lastConfigIndexOf(block: common.Block): number {
  const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = common.Metadata.deserializeBinary(
    slots[BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
  );
  if (signatures.getValue_asU8().length > 0) {
    return (
      common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8()).getLastConfig()?.getIndex() ??
      0
    );
  }
  const lastConfig = common.Metadata.deserializeBinary(
    slots[BlockMetadataIndex.LAST_CONFIG] ?? new Uint8Array(),
  );
  return common.LastConfig.deserializeBinary(lastConfig.getValue_asU8()).getIndex();
}

export async function readChainTip(store: BlockStore): Promise<ChainTip> {
  const height = store.height();
  if (height === 0) throw new Error('cannot resume an empty chain: it has no genesis block');
  const bytes = await store.get(height - 1);
  if (!bytes) throw new Error(`block ${height - 1} is missing from the store`);
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new Error(`block ${height - 1} has no header`);
  if (header.getNumber() !== height - 1)
    throw new Error(`block at height ${height - 1} says it is number ${header.getNumber()}`);
  return {
    nextNumber: height,
    lastHeaderHash: blockHeaderHash(
      header.getNumber(),
      header.getPreviousHash_asU8(),
      header.getDataHash_asU8(),
    ),
    lastConfigIndex: lastConfigIndexOf(block),
    logPosition: logPositionOf(block),
  };
}

/**
 * The replicated log position a block was cut at (etcdraft.BlockMetadata.raft_index in the consenter metadata, as
 * Fabric's Raft orderer records it): every log entry up to it is in this block or an earlier one. 0 when absent.
 */
export function logPositionOf(block: common.Block): number {
  const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = common.Metadata.deserializeBinary(
    slots[BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
  );
  if (signatures.getValue_asU8().length === 0) return 0;
  const consenter = common.OrdererBlockMetadata.deserializeBinary(
    signatures.getValue_asU8(),
  ).getConsenterMetadata_asU8();
  if (consenter.length === 0) return 0;
  const raft = common.Metadata.deserializeBinary(consenter).getValue_asU8();
  return raft.length === 0 ? 0 : orderer.etcdraft.BlockMetadata.deserializeBinary(raft).getRaftIndex();
}
