/**
 * TEST ONLY: committed state in memory behind the ledger seam's StateReader, ordered by UTF-8 bytes like Fabric's
 * LevelDB, with `endKey` '' unbounded. It counts open iterators so tests can see that the runtime releases them.
 */
import type {
  HistoryEntry,
  KeyVersion,
  StateEntry,
  StateReader,
  VersionedValue,
} from '../../ledger/types.js';
import { compareKeys } from './key-order.js';

interface Stored extends VersionedValue {
  readonly metadata?: Record<string, Uint8Array>;
}

export class MemoryState implements StateReader {
  private readonly namespaces = new Map<string, Map<string, Stored>>();
  private readonly histories = new Map<string, HistoryEntry[]>();
  openIterators = 0;

  put(
    namespace: string,
    key: string,
    value: string | Uint8Array,
    version: KeyVersion,
    metadata?: Record<string, Uint8Array>,
  ): void {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    let keys = this.namespaces.get(namespace);
    if (keys === undefined) {
      keys = new Map();
      this.namespaces.set(namespace, keys);
    }
    keys.set(key, { value: bytes, version, ...(metadata === undefined ? {} : { metadata }) });
  }

  /** `entries` newest first, as the seam hands them out. */
  setHistory(namespace: string, key: string, entries: HistoryEntry[]): void {
    this.histories.set(`${namespace}\u0000${key}`, entries);
  }

  getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const stored = this.namespaces.get(namespace)?.get(key);
    return Promise.resolve(
      stored === undefined ? undefined : { value: stored.value, version: stored.version },
    );
  }

  async *getStateRange(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const keys = [...(this.namespaces.get(namespace)?.keys() ?? [])]
      .filter((key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0))
      .sort(compareKeys);
    this.openIterators++;
    try {
      for (const key of keys) {
        // Each row arrives on a later tick, as from a real ledger iterator.
        await Promise.resolve();
        const stored = this.namespaces.get(namespace)?.get(key);
        if (stored !== undefined) yield { key, value: { value: stored.value, version: stored.version } };
      }
    } finally {
      this.openIterators--;
    }
  }

  async *getHistory(namespace: string, key: string): AsyncIterable<HistoryEntry> {
    this.openIterators++;
    try {
      for (const entry of this.histories.get(`${namespace}\u0000${key}`) ?? []) {
        await Promise.resolve();
        yield entry;
      }
    } finally {
      this.openIterators--;
    }
  }

  getStateMetadata(namespace: string, key: string): Promise<Record<string, Uint8Array> | undefined> {
    return Promise.resolve(this.namespaces.get(namespace)?.get(key)?.metadata);
  }
}
