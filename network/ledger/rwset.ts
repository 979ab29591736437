/**
 * A transaction's public read-write set (ledger/rwset/rwset.proto, kvrwset/kv_rwset.proto) decoded once into plain
 * values, as Fabric's rwsetutil.TxRwSet does. Private-data hashes are not read (the devnet has no collections).
 */
import { ledger } from '@hyperledger/fabric-protos';
import type { KeyVersion } from './types.js';

export interface KvRead {
  readonly key: string;
  /** undefined: the key did not exist when the transaction read it. */
  readonly version: KeyVersion | undefined;
}

export interface MerkleSummary {
  readonly maxDegree: number;
  readonly maxLevel: number;
  readonly maxLevelHashes: readonly Buffer[];
}

export interface RangeQuery {
  readonly startKey: string;
  readonly endKey: string;
  readonly itrExhausted: boolean;
  readonly rawReads: readonly KvRead[];
  /** Fabric's hashed form (QueryReadsMerkleSummary), used instead of raw reads for ranges of over 50 results. */
  readonly merkleSummary: MerkleSummary | undefined;
}

export interface KvWrite {
  readonly key: string;
  /** Fabric's IsKVWriteDelete: is_delete, or an empty value. */
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface KvMetadataWrite {
  readonly key: string;
  /** undefined deletes the key's metadata (no entries), as Fabric's applyMetadata does. */
  readonly entries: ReadonlyMap<string, Uint8Array> | undefined;
}

export interface NsRwSet {
  readonly namespace: string;
  readonly reads: readonly KvRead[];
  readonly rangeQueries: readonly RangeQuery[];
  readonly writes: readonly KvWrite[];
  readonly metadataWrites: readonly KvMetadataWrite[];
}

/** Throws when the bytes are not a TxReadWriteSet (the caller maps that to BAD_RWSET). */
export function decodeTxRwSet(bytes: Uint8Array): NsRwSet[] {
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(bytes);
  return txRwSet.getNsRwsetList().map((ns) => {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(decodeRead),
      rangeQueries: kv.getRangeQueriesInfoList().map((info) => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        itrExhausted: info.getItrExhausted(),
        rawReads: info.getRawReads()?.getKvReadsList().map(decodeRead) ?? [],
        merkleSummary: decodeMerkleSummary(info.getReadsMerkleHashes()),
      })),
      writes: kv.getWritesList().map((write) => {
        const value = write.getValue_asU8();
        return { key: write.getKey(), isDelete: write.getIsDelete() || value.length === 0, value };
      }),
      metadataWrites: kv.getMetadataWritesList().map((write) => {
        const entries = write.getEntriesList();
        return {
          key: write.getKey(),
          entries:
            entries.length === 0
              ? undefined
              : new Map(entries.map((entry) => [entry.getName(), entry.getValue_asU8()])),
        };
      }),
    };
  });
}

function decodeMerkleSummary(
  summary: ledger.rwset.kvrwset.QueryReadsMerkleSummary | undefined,
): MerkleSummary | undefined {
  if (summary === undefined) return undefined;
  return {
    maxDegree: summary.getMaxDegree(),
    maxLevel: summary.getMaxLevel(),
    maxLevelHashes: summary.getMaxLevelHashesList_asU8().map((hash) => Buffer.from(hash)),
  };
}

function decodeRead(read: ledger.rwset.kvrwset.KVRead): KvRead {
  const version = read.getVersion();
  return {
    key: read.getKey(),
    version:
      version === undefined ? undefined : { blockNum: version.getBlockNum(), txNum: version.getTxNum() },
  };
}
