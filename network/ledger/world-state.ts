/**
 * The channel's world state on LevelDB (classic-level): current values with their versions and key metadata, the
 * history index, the txid index and the savepoint. Everything a block changes is written in one atomic batch
 * together with the savepoint, so after any crash the database reflects exactly the blocks up to the savepoint and
 * the ledger can replay the rest from the block store.
 */
import { ClassicLevel } from 'classic-level';
import { LedgerError } from './ledger-error.js';
import {
  decodeHistoryRecord,
  decodeSavepoint,
  decodeStateKey,
  decodeStateRecord,
  decodeTxIdRecord,
  historyKeyPrefix,
  historyVersion,
  savepointKey,
  stateKey,
  stateKeysEnd,
  stateKeysStart,
  stateRangeBounds,
  txIdKey,
  type StateRecord,
  type TxIdRecord,
} from './state-codec.js';
import type { HistoryEntry, StateEntry, StateReader, VersionedValue } from './types.js';

export type LevelOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export class WorldState implements StateReader {
  private closed = false;

  private constructor(private readonly db: ClassicLevel<Buffer, Buffer>) {}

  static async open(dir: string): Promise<WorldState> {
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return new WorldState(db);
  }

  async getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const record = await this.getRecord(namespace, key);
    return record === undefined ? undefined : { value: record.value, version: record.version };
  }

  async getStateMetadata(namespace: string, key: string): Promise<Record<string, Uint8Array> | undefined> {
    const record = await this.getRecord(namespace, key);
    if (record === undefined) return undefined;
    return Object.fromEntries(record.metadata ?? []);
  }

  async *getStateRange(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    this.assertOpen();
    for await (const [levelKey, bytes] of this.db.iterator(stateRangeBounds(namespace, startKey, endKey))) {
      const record = decodeStateRecord(bytes);
      yield { key: decodeStateKey(levelKey).key, value: { value: record.value, version: record.version } };
    }
  }

  async *getHistory(namespace: string, key: string): AsyncIterable<HistoryEntry> {
    this.assertOpen();
    const prefix = historyKeyPrefix(namespace, key);
    // Exactly this key's records: the prefix carries the key's length, and only blockNum/txNum (12 bytes) follow.
    const lte = Buffer.concat([prefix, Buffer.alloc(12, 0xff)]);
    for await (const [levelKey, bytes] of this.db.iterator({ gt: prefix, lte, reverse: true })) {
      const version = historyVersion(levelKey);
      const record = decodeHistoryRecord(bytes);
      yield { ...record, blockNum: version.blockNum, txNum: version.txNum };
    }
  }

  // Point reads use getSync: a LevelDB read served from the memtable or block cache takes microseconds, a fraction of
  // what the async get's promise and thread-pool round trip cost the event loop (one of each per proposal, commit
  // status and chaincode GetState).
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a closed state rejects, as before
  async getRecord(namespace: string, key: string): Promise<StateRecord | undefined> {
    this.assertOpen();
    const bytes = this.db.getSync(stateKey(namespace, key));
    return bytes === undefined ? undefined : decodeStateRecord(bytes);
  }

  /** One LevelDB round trip for a whole block's keys, as Fabric preloads a block's read versions. */
  async getRecords(keys: readonly Buffer[]): Promise<(StateRecord | undefined)[]> {
    this.assertOpen();
    if (keys.length === 0) return [];
    const values = await this.db.getMany([...keys]);
    return values.map((bytes) => (bytes === undefined ? undefined : decodeStateRecord(bytes)));
  }

  /** Where a transaction id first appeared in the blocks applied so far, with its validation code. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a closed state rejects, as before
  async getTxIdRecord(txId: string): Promise<TxIdRecord | undefined> {
    this.assertOpen();
    const bytes = this.db.getSync(txIdKey(txId));
    return bytes === undefined ? undefined : decodeTxIdRecord(bytes);
  }

  async getTxIdRecords(txIds: readonly string[]): Promise<(TxIdRecord | undefined)[]> {
    this.assertOpen();
    if (txIds.length === 0) return [];
    const values = await this.db.getMany(txIds.map(txIdKey));
    return values.map((bytes) => (bytes === undefined ? undefined : decodeTxIdRecord(bytes)));
  }

  /** The number of the last block applied, or undefined before the first. */
  async savepoint(): Promise<number | undefined> {
    this.assertOpen();
    const bytes = await this.db.get(savepointKey);
    return bytes === undefined ? undefined : decodeSavepoint(bytes);
  }

  /**
   * Applies one block's changes atomically. Not fsync'd: the block store is, and a batch lost to a power cut only
   * leaves the savepoint behind the block store, which the ledger replays on open.
   */
  async apply(ops: readonly LevelOp[]): Promise<void> {
    this.assertOpen();
    await this.db.batch([...ops], { sync: false });
  }

  /** Every record (state, history, txid index, savepoint) in LevelDB key order: the fingerprint's input. */
  async *allRecords(): AsyncIterable<[Buffer, Buffer]> {
    this.assertOpen();
    yield* this.db.iterator();
  }

  /** The number of current keys in all namespaces (for logs and tests). */
  async countKeys(): Promise<number> {
    this.assertOpen();
    let count = 0;
    for await (const _ of this.db.keys({ gte: stateKeysStart, lt: stateKeysEnd })) count++;
    return count;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('LEDGER_CLOSED', 'the world state database is closed');
  }
}
