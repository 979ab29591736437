/**
 * Fabric's state-based validation of one transaction (core/ledger/kvledger/txmgmt/validation/validator.go,
 * combined_iterator.go, rangequery_validator.go), run in block order after the endorsement checks:
 * - every read must carry exactly the committed version (none for a missing key), and a key written by an earlier
 *   valid transaction of the same block is a conflict whatever its version: MVCC_READ_CONFLICT;
 * - every range query is re-run over committed state merged with the block's earlier writes; the keys and
 *   versions must equal raw_reads, with the end key included when the iterator was not exhausted (the simulation
 *   then recorded the last key it returned as end_key): PHANTOM_READ_CONFLICT. A range recorded as a merkle
 *   summary (over 50 results) is re-hashed the same way and compared.
 */
import type { BlockUpdate, CommittedLookup } from './block-update.js';
import { merkleRangeStillSame } from './range-merkle.js';
import type { KvRead, NsRwSet, RangeQuery } from './rwset.js';
import { TxValidationCode, type KeyVersion, type TxValidationCodeValue } from './types.js';
import type { WorldState } from './world-state.js';

type RangeItem = KvRead & { readonly version: KeyVersion };

export async function checkReadConflicts(
  rwset: readonly NsRwSet[],
  update: BlockUpdate,
  committed: CommittedLookup,
  state: WorldState,
): Promise<TxValidationCodeValue> {
  for (const ns of rwset) {
    for (const read of ns.reads) {
      if (!readStillValid(ns.namespace, read, update, committed)) return TxValidationCode.MVCC_READ_CONFLICT;
    }
    for (const query of ns.rangeQueries) {
      if (!(await rangeStillSame(ns.namespace, query, update, state)))
        return TxValidationCode.PHANTOM_READ_CONFLICT;
    }
  }
  return TxValidationCode.VALID;
}

function readStillValid(
  namespace: string,
  read: KvRead,
  update: BlockUpdate,
  committed: CommittedLookup,
): boolean {
  if (update.has(namespace, read.key)) return false;
  return sameVersion(committed.get(namespace, read.key)?.version, read.version);
}

function sameVersion(a: KeyVersion | undefined, b: KeyVersion | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

async function rangeStillSame(
  namespace: string,
  query: RangeQuery,
  update: BlockUpdate,
  state: WorldState,
): Promise<boolean> {
  if (query.merkleSummary !== undefined) {
    return merkleRangeStillSame(query.merkleSummary, combinedRange(namespace, query, update, state));
  }
  let index = 0;
  for await (const item of combinedRange(namespace, query, update, state)) {
    const expected = query.rawReads[index];
    if (expected === undefined || expected.key !== item.key || !sameVersion(item.version, expected.version)) {
      return false;
    }
    index++;
  }
  return index === query.rawReads.length;
}

/** Committed state in [start, end) overlaid with the block's earlier writes, deletes dropped; then the end key. */
async function* combinedRange(
  namespace: string,
  query: RangeQuery,
  update: BlockUpdate,
  state: WorldState,
): AsyncIterable<RangeItem> {
  const pending = update.pendingInRange(namespace, query.startKey, query.endKey);
  let p = 0;
  for await (const entry of state.getStateRange(namespace, query.startKey, query.endKey)) {
    const committedKey = Buffer.from(entry.key, 'utf8');
    for (; p < pending.length; p++) {
      const next = pending[p];
      if (next === undefined) break;
      const order = Buffer.compare(Buffer.from(next.key, 'utf8'), committedKey);
      if (order > 0) break;
      if (next.record !== undefined) yield { key: next.key, version: next.record.version };
      if (order === 0) {
        p++;
        break;
      }
    }
    if (!update.has(namespace, entry.key)) yield { key: entry.key, version: entry.value.version };
  }
  for (; p < pending.length; p++) {
    const next = pending[p];
    if (next?.record !== undefined) yield { key: next.key, version: next.record.version };
  }
  if (!query.itrExhausted) {
    const endEntry = update.get(namespace, query.endKey);
    const version =
      endEntry !== undefined
        ? endEntry.record?.version
        : (await state.getState(namespace, query.endKey))?.version;
    if (version !== undefined) yield { key: query.endKey, version };
  }
}
