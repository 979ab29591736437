/**
 * Iterating Fabric query results. Every iterator is closed in a finally block: an iterator left open holds peer
 * resources until the transaction ends, and the shim logs it as a leak.
 */
import { ChaincodeErrorCode } from '../common/ehr-contract.js';
import { ChaincodeError } from './chaincode-error.js';
import type { EhrStub, LedgerIterator, LedgerKV, LedgerPage } from './context.js';

export async function collect<T, R>(iterator: LedgerIterator<T>, map: (item: T) => R): Promise<R[]> {
  const results: R[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true || next.value === undefined) break;
      results.push(map(next.value));
    }
  } finally {
    await iterator.close();
  }
  return results;
}

export interface KeyPage {
  entries: LedgerKV[];
  /** The ledger's own bookmark: '' when there are no more results. */
  bookmark: string;
}

async function drainPage(page: LedgerPage): Promise<KeyPage> {
  const entries = await collect(page.iterator, (kv) => kv);
  return { entries, bookmark: page.metadata?.bookmark ?? '' };
}

/**
 * A bookmark is where the next page starts, and the peer uses it as the range's start key as given. A forged one
 * could therefore start the scan before the caller's range (another patient's index entries), so it must carry
 * the prefix every key of the caller's range has.
 */
function checkBookmarkPrefix(bookmark: string, prefix: string): void {
  if (bookmark !== '' && !bookmark.startsWith(prefix)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      'bookmark does not belong to this query (use the bookmark returned with the previous page)',
    );
  }
}

/** Every key in [startKey, endKey) must start with `prefix`; the record ranges of keys.ts do. */
export async function rangePage(
  stub: EhrStub,
  range: { startKey: string; endKey: string; prefix: string },
  pageSize: number,
  bookmark: string,
): Promise<KeyPage> {
  checkBookmarkPrefix(bookmark, range.prefix);
  return drainPage(
    await stub.getStateByRangeWithPagination(range.startKey, range.endKey, pageSize, bookmark),
  );
}

export async function partialCompositeKeyPage(
  stub: EhrStub,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<KeyPage> {
  const prefix = stub.createCompositeKey(objectType, attributes);
  checkBookmarkPrefix(bookmark, prefix);
  return drainPage(
    await stub.getStateByPartialCompositeKeyWithPagination(objectType, attributes, pageSize, bookmark),
  );
}
