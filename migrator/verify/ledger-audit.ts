/**
 * The audit's pure core: folds decoded block writes into what the ledger holds per record key, and compares that
 * with the expected set (record key → content hash) the migration pipeline accepts from the input. No I/O.
 */
import { contentHash } from '../../common/canonical-json.js';
import type { StoredRecord } from '../../common/ehr-contract.js';
import type { BlockWrites } from './block-writes.js';

/** How many differences of each kind the report lists (counts are always complete). */
export const REPORT_DIFFERENCE_LIMIT = 1000;

export interface LedgerRecord {
  /** The hash stored with the record's latest version. */
  hash: string;
  /** Whether that hash is the content hash of the stored resource, recomputed here. */
  hashIntact: boolean;
  /** How many times the key was written by valid transactions (deletes included). */
  writes: number;
  deleted: boolean;
  txId: string;
  blockNumber: bigint;
}

export interface LedgerState {
  readonly records: Map<string, LedgerRecord>;
  blocks: number;
  transactions: number;
  invalidTransactions: number;
  /** Valid transactions that wrote to the chaincode's namespace. */
  writingTransactions: number;
  /** Composite (index) keys written; not compared. */
  indexWrites: number;
}

export function emptyLedgerState(): LedgerState {
  return {
    records: new Map(),
    blocks: 0,
    transactions: 0,
    invalidTransactions: 0,
    writingTransactions: 0,
    indexWrites: 0,
  };
}

/**
 * Fabric composite keys begin with U+0000 (chaincode/keys.ts): those are the patient and code indexes. Every other
 * key in the namespace is a record, `resourceType/id`.
 */
export function isRecordKey(key: string): boolean {
  return !key.startsWith('\u0000');
}

const decoder = new TextDecoder();

/** Applies one block's writes, in order, to `state` (the latest value per key wins, as in world state). */
export function applyBlock(state: LedgerState, block: BlockWrites): void {
  state.blocks += 1;
  state.transactions += block.transactions;
  state.invalidTransactions += block.invalidTransactions;
  for (const tx of block.valid) {
    state.writingTransactions += 1;
    for (const write of tx.writes) {
      if (!isRecordKey(write.key)) {
        state.indexWrites += 1;
        continue;
      }
      const previous = state.records.get(write.key);
      const writes = (previous?.writes ?? 0) + 1;
      const at = { txId: tx.txId, blockNumber: tx.blockNumber, writes };
      if (write.isDelete) {
        state.records.set(write.key, { hash: '', hashIntact: true, deleted: true, ...at });
        continue;
      }
      const stored = storedRecordOf(write.value);
      state.records.set(write.key, {
        hash: stored?.hash ?? '',
        hashIntact: stored !== undefined && contentHash(stored.resource) === stored.hash,
        deleted: false,
        ...at,
      });
    }
  }
}

function storedRecordOf(value: Uint8Array): StoredRecord | undefined {
  try {
    const parsed = JSON.parse(decoder.decode(value)) as Partial<StoredRecord> | null;
    if (parsed === null || typeof parsed !== 'object') return undefined;
    if (typeof parsed.hash !== 'string' || typeof parsed.resource !== 'object') return undefined;
    return parsed as StoredRecord;
  } catch (error) {
    // A value that is not a stored record is reported as a damaged record, never skipped.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export type DifferenceKind = 'missing' | 'hash-mismatch' | 'unexpected' | 'damaged';

export interface Difference {
  kind: DifferenceKind;
  key: string;
  expectedHash?: string;
  ledgerHash?: string;
  txId?: string;
  blockNumber?: string;
}

/** The counts of an audit that found exactly `records` records on the ledger, all matching, and nothing else. */
export function cleanAuditCounts(records: number): AuditCounts {
  return {
    expected: records,
    onLedger: records,
    matching: records,
    missing: 0,
    hashMismatch: 0,
    unexpected: 0,
    damaged: 0,
    rewritten: 0,
    deletedOnLedger: 0,
  };
}

export interface AuditCounts {
  expected: number;
  onLedger: number;
  matching: number;
  missing: number;
  hashMismatch: number;
  unexpected: number;
  /** Records whose stored hash is not the hash of the stored resource (or whose value is not a record). */
  damaged: number;
  /** Record keys written more than once (a last-wins update, a repeated load of changed content…). */
  rewritten: number;
  deletedOnLedger: number;
}

export interface AuditResult {
  match: boolean;
  counts: AuditCounts;
  /** Sorted by kind, then key; at most REPORT_DIFFERENCE_LIMIT of each kind. */
  differences: Difference[];
  ledger: { blocks: number; transactions: number; invalidTransactions: number; writingTransactions: number };
}

const KIND_ORDER: readonly DifferenceKind[] = ['missing', 'hash-mismatch', 'unexpected', 'damaged'];

export function compareWithLedger(expected: ReadonlyMap<string, string>, state: LedgerState): AuditResult {
  const found: Record<DifferenceKind, Difference[]> = {
    missing: [],
    'hash-mismatch': [],
    unexpected: [],
    damaged: [],
  };
  const counts: AuditCounts = { ...cleanAuditCounts(0), expected: expected.size };
  const note = (difference: Difference) => {
    const list = found[difference.kind];
    if (list.length < REPORT_DIFFERENCE_LIMIT) list.push(difference);
  };
  for (const [key, record] of state.records) {
    if (record.writes > 1) counts.rewritten += 1;
    if (record.deleted) {
      counts.deletedOnLedger += 1;
      continue;
    }
    counts.onLedger += 1;
    const at = { txId: record.txId, blockNumber: String(record.blockNumber) };
    if (!record.hashIntact) {
      counts.damaged += 1;
      note({ kind: 'damaged', key, ledgerHash: record.hash, ...at });
    }
    const expectedHash = expected.get(key);
    if (expectedHash === undefined) {
      counts.unexpected += 1;
      note({ kind: 'unexpected', key, ledgerHash: record.hash, ...at });
    } else if (expectedHash !== record.hash) {
      counts.hashMismatch += 1;
      note({ kind: 'hash-mismatch', key, expectedHash, ledgerHash: record.hash, ...at });
    } else if (record.hashIntact) {
      counts.matching += 1;
    }
  }
  for (const [key, expectedHash] of expected) {
    const record = state.records.get(key);
    if (record === undefined || record.deleted) {
      counts.missing += 1;
      note({ kind: 'missing', key, expectedHash });
    }
  }
  const differences = KIND_ORDER.flatMap((kind) =>
    found[kind].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  );
  return {
    match: counts.missing + counts.hashMismatch + counts.unexpected + counts.damaged === 0,
    counts,
    differences,
    ledger: {
      blocks: state.blocks,
      transactions: state.transactions,
      invalidTransactions: state.invalidTransactions,
      writingTransactions: state.writingTransactions,
    },
  };
}

/** One line per difference, for the summary on stdout. */
export function differenceLine(difference: Difference): string {
  const at =
    difference.txId === undefined ? '' : ` (tx ${difference.txId}, block ${difference.blockNumber ?? '?'})`;
  switch (difference.kind) {
    case 'missing':
      return `missing     ${difference.key}: accepted from the input, not on the ledger`;
    case 'hash-mismatch':
      return `different   ${difference.key}: ledger hash ${short(difference.ledgerHash)}, input hash ${short(difference.expectedHash)}${at}`;
    case 'unexpected':
      return `unexpected  ${difference.key}: on the ledger, not accepted from the input${at}`;
    case 'damaged':
      return `damaged     ${difference.key}: stored hash ${short(difference.ledgerHash)} is not the hash of the stored resource${at}`;
  }
}

function short(hash: string | undefined): string {
  return hash === undefined || hash === '' ? '(none)' : hash.slice(0, 12);
}
