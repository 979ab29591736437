/**
 * TEST ONLY: an in-memory stand-in for the part of the Fabric chaincode stub and client identity the EHR contract
 * uses (context.ts), with Fabric's semantics where the contract could tell the difference:
 *
 * - a transaction reads the state committed before it; its own writes are invisible to it and apply at commit;
 * - an empty value written is a delete; a failed transaction commits nothing;
 * - range and partial-composite-key queries return keys in byte order, [start, end), and paginate like the peer
 *   (the bookmark is the next key, '' when there is none; a paginated query and a write exclude each other);
 * - getHistoryForKey answers newest first (Fabric ≥ 2.0) with one entry per committed transaction;
 * - every iterator must be closed before the transaction ends, or the transaction fails here.
 *
 * Nothing a user runs imports this file.
 */
import { createHash } from 'node:crypto';
import type {
  EhrClientIdentity,
  EhrContext,
  EhrStub,
  LedgerIterator,
  LedgerKeyModification,
  LedgerKV,
  LedgerPage,
  LedgerTimestamp,
} from './context.js';

const COMPOSITE_NS = '\u0000';
const MAX_RUNE = '\u{10ffff}';
const START_SECONDS = 1_767_225_600; // 2026-01-01T00:00:00Z

export interface FakeIdentity {
  attributes: Record<string, string>;
  mspId?: string;
  id?: string;
}

export class FakeClientIdentity implements EhrClientIdentity {
  constructor(private readonly identity: FakeIdentity) {}
  getAttributeValue(name: string): string | null {
    return this.identity.attributes[name] ?? null;
  }
  getMSPID(): string {
    return this.identity.mspId ?? 'Org1MSP';
  }
  getID(): string {
    return this.identity.id ?? 'x509::/CN=test-user::/CN=test-ca';
  }
}

export interface Simulation<T> {
  result: T;
  /** Keys written (value undefined = delete), sorted: what an endorser would sign as the write set. */
  writeSet: [string, Uint8Array | undefined][];
  txId: string;
}

export class InMemoryLedger {
  private readonly state = new Map<string, Uint8Array>();
  private readonly historyByKey = new Map<string, LedgerKeyModification[]>();
  private txCount = 0;

  /** Runs one transaction and commits its writes if it succeeds, as a submit that passes validation would. */
  async submit<T>(identity: FakeIdentity, run: (ctx: EhrContext) => Promise<T>): Promise<T> {
    const simulation = await this.simulate(identity, run);
    this.commit(simulation);
    return simulation.result;
  }

  /** Runs one transaction and throws its writes away, like an evaluate (query) call. */
  async evaluate<T>(identity: FakeIdentity, run: (ctx: EhrContext) => Promise<T>): Promise<T> {
    return (await this.simulate(identity, run)).result;
  }

  /** Endorsement only: the result and write set, nothing committed. The next call gets the next tx id either way. */
  async simulate<T>(identity: FakeIdentity, run: (ctx: EhrContext) => Promise<T>): Promise<Simulation<T>> {
    this.txCount += 1;
    const stub = new TransactionStub(this, this.txCount);
    const result = await run({ stub, clientIdentity: new FakeClientIdentity(identity) });
    if (stub.openIterators > 0) {
      throw new Error(`transaction ${stub.getTxID()} ended with ${stub.openIterators} open iterator(s)`);
    }
    return { result, writeSet: stub.sortedWrites(), txId: stub.getTxID() };
  }

  commit(simulation: Simulation<unknown>): void {
    const txNumber = this.txNumberOf(simulation.txId);
    for (const [key, value] of simulation.writeSet) {
      if (value === undefined) this.state.delete(key);
      else this.state.set(key, value);
      const entries = this.historyByKey.get(key) ?? [];
      entries.push({
        txId: simulation.txId,
        isDelete: value === undefined,
        value: value ?? new Uint8Array(),
        // The shim hands history timestamps over as plain numbers (protobuf toObject()).
        timestamp: { seconds: START_SECONDS + txNumber, nanos: txNumber * 1000 },
      });
      this.historyByKey.set(key, entries);
    }
  }

  committed(key: string): Uint8Array | undefined {
    return this.state.get(key);
  }

  keys(): string[] {
    return [...this.state.keys()].sort(compareBytes);
  }

  historyOf(key: string): LedgerKeyModification[] {
    return [...(this.historyByKey.get(key) ?? [])];
  }

  /** sha256 over every committed key and value in key order: equal digests mean byte-identical state. */
  stateDigest(): string {
    const hash = createHash('sha256');
    for (const key of this.keys()) {
      const value = this.state.get(key) ?? new Uint8Array();
      hash.update(`${Buffer.byteLength(key)}:${key}${value.length}:`).update(value);
    }
    return hash.digest('hex');
  }

  /** Copy of the committed state, as a second peer with the same ledger would have it. */
  clone(): InMemoryLedger {
    const copy = new InMemoryLedger();
    for (const [key, value] of this.state) copy.state.set(key, value);
    for (const [key, entries] of this.historyByKey) copy.historyByKey.set(key, [...entries]);
    copy.txCount = this.txCount;
    return copy;
  }

  static txIdFor(txNumber: number): string {
    return createHash('sha256').update(`fake-tx-${txNumber}`).digest('hex');
  }

  private txNumberOf(txId: string): number {
    for (let n = this.txCount; n > 0; n -= 1) if (InMemoryLedger.txIdFor(n) === txId) return n;
    throw new Error(`unknown transaction ${txId}`);
  }
}

class TransactionStub implements EhrStub {
  openIterators = 0;
  private readonly writes = new Map<string, Uint8Array | undefined>();
  private paginatedQueryDone = false;

  constructor(
    private readonly ledger: InMemoryLedger,
    private readonly txNumber: number,
  ) {}

  getTxID(): string {
    return InMemoryLedger.txIdFor(this.txNumber);
  }

  getTxTimestamp(): LedgerTimestamp {
    // fabric-shim gives the transaction timestamp's seconds as a Long; this mimics its toNumber().
    const seconds = START_SECONDS + this.txNumber;
    return {
      seconds: { low: seconds, high: 0, unsigned: true, toNumber: () => seconds },
      nanos: this.txNumber * 1000,
    };
  }

  getState(key: string): Promise<Uint8Array> {
    // Fabric: the committed value (never this transaction's own write); an absent key is empty bytes.
    return Promise.resolve(this.ledger.committed(key) ?? new Uint8Array());
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    this.beforeWrite(key);
    this.writes.set(key, value.length === 0 ? undefined : Uint8Array.from(value));
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    this.beforeWrite(key);
    this.writes.set(key, undefined);
    return Promise.resolve();
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    for (const part of [objectType, ...attributes]) {
      if (part.length === 0) throw new Error('object type or attribute not a non-zero length string');
    }
    return `${COMPOSITE_NS}${objectType}${COMPOSITE_NS}${attributes.map((a) => `${a}${COMPOSITE_NS}`).join('')}`;
  }

  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark = '',
  ): Promise<LedgerPage> {
    if (startKey.startsWith(COMPOSITE_NS) || endKey.startsWith(COMPOSITE_NS)) {
      return Promise.reject(
        new Error('first character of the key contains a null character which is not allowed'),
      );
    }
    return Promise.resolve(this.page(startKey, endKey, pageSize, bookmark));
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ): Promise<LedgerPage> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return Promise.resolve(this.page(prefix, `${prefix}${MAX_RUNE}`, pageSize, bookmark));
  }

  getHistoryForKey(key: string): Promise<LedgerIterator<LedgerKeyModification>> {
    return Promise.resolve(this.iterator(this.ledger.historyOf(key).reverse()));
  }

  sortedWrites(): [string, Uint8Array | undefined][] {
    return [...this.writes.entries()].sort(([a], [b]) => compareBytes(a, b));
  }

  private page(startKey: string, endKey: string, pageSize: number, bookmark: string): LedgerPage {
    if (this.writes.size > 0) {
      throw new Error(
        `txid [${this.getTxID()}]: paginated queries are not supported in a transaction with writes`,
      );
    }
    this.paginatedQueryDone = true;
    const from = bookmark === '' ? startKey : bookmark;
    const inRange = this.ledger
      .keys()
      .filter((key) => compareBytes(key, from) >= 0 && compareBytes(key, endKey) < 0);
    const taken = inRange.slice(0, pageSize);
    const rows: LedgerKV[] = taken.map((key) => ({
      key,
      value: this.ledger.committed(key) ?? new Uint8Array(),
    }));
    const next = inRange[pageSize] ?? '';
    // As fabric-shim hands it over: all-default metadata arrives as no bytes, so the shim sets no `metadata`.
    return {
      iterator: this.iterator(rows),
      ...(rows.length === 0 && next === ''
        ? {}
        : { metadata: { fetchedRecordsCount: rows.length, bookmark: next } }),
    };
  }

  private iterator<T>(rows: T[]): LedgerIterator<T> {
    this.openIterators += 1;
    let position = 0;
    let closed = false;
    return {
      next: () => {
        if (closed) return Promise.reject(new Error('iterator used after close'));
        const value = rows[position];
        position += 1;
        return Promise.resolve(value === undefined ? { done: true } : { value, done: false });
      },
      close: () => {
        if (!closed) this.openIterators -= 1;
        closed = true;
        return Promise.resolve();
      },
    };
  }

  private beforeWrite(key: string): void {
    if (key.length === 0) throw new Error('key must not be empty');
    if (this.paginatedQueryDone) {
      throw new Error(
        `txid [${this.getTxID()}]: transaction has already performed a paginated query; writes are not allowed`,
      );
    }
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
