/**
 * One block's changes as they accumulate transaction by transaction: the keys written by earlier valid transactions
 * of the block (which later ones' MVCC checks must see), their history records, the txid index entries and the
 * savepoint, all turned into a single LevelDB batch at the end.
 *
 * How a transaction's writes and metadata writes combine follows Fabric's tx_ops.go: a delete removes value and
 * metadata; a value write keeps the key's latest metadata unless the same transaction writes metadata too; a
 * metadata-only write keeps the latest value and does nothing on a missing key. Every change takes the version
 * (block, tx index).
 */
import type { KvMetadataWrite, KvWrite, NsRwSet } from './rwset.js';
import {
  compareUtf8,
  encodeHistoryRecord,
  encodeSavepoint,
  encodeStateRecord,
  encodeTxIdRecord,
  historyKey,
  savepointKey,
  stateKey,
  txIdKey,
  type StateRecord,
} from './state-codec.js';
import type { TxValidationCodeValue } from './types.js';
import type { LevelOp } from './world-state.js';

export interface PendingEntry {
  readonly namespace: string;
  readonly key: string;
  /** undefined: deleted by this block. */
  readonly record: StateRecord | undefined;
}

/** Committed state as it was before this block, preloaded for the keys the block touches. */
export interface CommittedLookup {
  get(namespace: string, key: string): StateRecord | undefined;
}

interface KeyOps {
  write?: KvWrite;
  metadata?: KvMetadataWrite;
}

export function compositeKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}

export class BlockUpdate {
  private readonly pending = new Map<string, PendingEntry>();
  private readonly historyOps: LevelOp[] = [];
  private readonly txIdOps: LevelOp[] = [];
  private readonly indexedTxIds = new Set<string>();

  constructor(readonly blockNum: number) {}

  /** True when an earlier valid transaction of this block wrote (or deleted) the key. */
  has(namespace: string, key: string): boolean {
    return this.pending.has(compositeKey(namespace, key));
  }

  get(namespace: string, key: string): PendingEntry | undefined {
    return this.pending.get(compositeKey(namespace, key));
  }

  /** This block's changes to `namespace` in [startKey, endKey) ('' = unbounded), in UTF-8 byte order. */
  pendingInRange(namespace: string, startKey: string, endKey: string): PendingEntry[] {
    const start = Buffer.from(startKey, 'utf8');
    const end = endKey === '' ? undefined : Buffer.from(endKey, 'utf8');
    const found: PendingEntry[] = [];
    for (const entry of this.pending.values()) {
      if (entry.namespace !== namespace) continue;
      const key = Buffer.from(entry.key, 'utf8');
      if (Buffer.compare(key, start) >= 0 && (end === undefined || Buffer.compare(key, end) < 0))
        found.push(entry);
    }
    return found.sort((a, b) => compareUtf8(a.key, b.key));
  }

  /** Applies a valid transaction's writes at version (blockNum, txNum) and records their history. */
  applyTransaction(
    txNum: number,
    txId: string,
    timestamp: { seconds: number; nanos: number },
    rwset: readonly NsRwSet[],
    committed: CommittedLookup,
  ): void {
    const version = { blockNum: this.blockNum, txNum };
    for (const ns of rwset) {
      const ops = new Map<string, KeyOps>();
      for (const write of ns.writes) {
        ops.set(write.key, { ...ops.get(write.key), write });
        this.historyOps.push({
          type: 'put',
          key: historyKey(ns.namespace, write.key, version),
          value: encodeHistoryRecord({
            txId,
            isDelete: write.isDelete,
            timestamp,
            value: write.isDelete ? new Uint8Array(0) : write.value,
          }),
        });
      }
      for (const metadata of ns.metadataWrites) ops.set(metadata.key, { ...ops.get(metadata.key), metadata });

      for (const [key, op] of ops) {
        const latest = (): StateRecord | undefined => {
          const entry = this.get(ns.namespace, key);
          return entry !== undefined ? entry.record : committed.get(ns.namespace, key);
        };
        let record: StateRecord | undefined;
        if (op.write?.isDelete === true) {
          record = undefined;
        } else if (op.write !== undefined) {
          const metadata = op.metadata !== undefined ? op.metadata.entries : latest()?.metadata;
          record = { value: op.write.value, version, metadata };
        } else {
          const current = latest();
          if (current === undefined) continue; // metadata for a missing key: Fabric drops it
          record = { value: current.value, version, metadata: op.metadata?.entries };
        }
        this.pending.set(compositeKey(ns.namespace, key), { namespace: ns.namespace, key, record });
      }
    }
  }

  /** Indexes a transaction id at its first appearance (later duplicates keep pointing at the first, as in Fabric). */
  recordTxId(txId: string, txNum: number, code: TxValidationCodeValue, alreadyCommitted: boolean): void {
    if (txId === '' || alreadyCommitted || this.indexedTxIds.has(txId)) return;
    this.indexedTxIds.add(txId);
    this.txIdOps.push({
      type: 'put',
      key: txIdKey(txId),
      value: encodeTxIdRecord({ blockNum: this.blockNum, txNum, code }),
    });
  }

  /** The whole block as one LevelDB batch, savepoint included. */
  toLevelOps(): LevelOp[] {
    const ops: LevelOp[] = [];
    for (const entry of this.pending.values()) {
      const key = stateKey(entry.namespace, entry.key);
      ops.push(
        entry.record === undefined
          ? { type: 'del', key }
          : { type: 'put', key, value: encodeStateRecord(entry.record) },
      );
    }
    ops.push(...this.historyOps, ...this.txIdOps);
    ops.push({ type: 'put', key: savepointKey, value: encodeSavepoint(this.blockNum) });
    return ops;
  }
}
