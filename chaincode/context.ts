/**
 * The narrow part of fabric-contract-api's Context that the EHR contract uses. Fabric's own ChaincodeStub and
 * ClientIdentity satisfy these interfaces structurally, and the unit tests' in-memory ledger implements exactly
 * this much — nothing else of the shim is touched, so nothing else needs faking.
 */

/** Fabric hands out protobuf timestamps whose `seconds` is a Long (tx) or a number (history). */
export interface LedgerTimestamp {
  seconds: unknown;
  nanos: number;
}

export interface LedgerKV {
  key: string;
  value: Uint8Array;
}

export interface LedgerKeyModification {
  txId: string;
  isDelete: boolean;
  value: Uint8Array;
  timestamp: LedgerTimestamp;
}

/** The shim's iterators answer `{ done: true }` without a value at the end. */
export interface LedgerIterator<T> {
  next(): Promise<{ value?: T; done?: boolean }>;
  close(): Promise<void>;
}

export interface LedgerPage {
  iterator: LedgerIterator<LedgerKV>;
  /**
   * Absent when the page is empty and the last: the peer's QueryResponseMetadata is then all defaults (0 records,
   * bookmark ''), which proto3 encodes as no bytes at all, and fabric-shim sets `metadata` only for non-empty bytes.
   */
  metadata?: { fetchedRecordsCount: number; bookmark: string };
}

export interface EhrStub {
  getTxID(): string;
  getTxTimestamp(): LedgerTimestamp;
  getState(key: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
  createCompositeKey(objectType: string, attributes: string[]): string;
  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): Promise<LedgerPage>;
  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Promise<LedgerPage>;
  getHistoryForKey(key: string): Promise<LedgerIterator<LedgerKeyModification>>;
}

export interface EhrClientIdentity {
  getAttributeValue(attrName: string): string | null;
  getMSPID(): string;
  getID(): string;
}

export interface EhrContext {
  stub: EhrStub;
  clientIdentity: EhrClientIdentity;
}
