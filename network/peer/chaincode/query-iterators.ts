/**
 * The peer's side of the shim's iterators: a result source per iterator id and the batching of Fabric's
 * QueryResponseGenerator. Without pagination, a batch is cut at 100 results and `has_more` is set only when the
 * next result is already buffered (fabric-shim 2.5.8 crashes on an empty follow-up batch). With pagination, one
 * response carries the whole page plus QueryResponseMetadata{fetched_records_count, bookmark}.
 */
import { randomUUID } from 'node:crypto';
import { ledger, peer } from '@hyperledger/fabric-protos';
import type { HistoryEntry, KeyVersion, StateEntry } from '../../ledger/types.js';
import { appendBytes, timestampField } from './protobuf-timestamp.js';
import type { RangeQueryRecord } from './rwset-builder.js';
import { SimulationError } from './simulation-error.js';

/** Fabric's QueryResponseGenerator.MaxResultLimit: rows per batch between peer and shim. */
export const MAX_RESULTS_PER_BATCH = 100;
/** core.yaml ledger.state.totalQueryLimit: rows one query may return in total. */
export const TOTAL_QUERY_LIMIT = 100_000;

/** One iterator as the handler sees it: results as bytes(QueryResultBytes.result_bytes). */
export interface ResultSource {
  next(): Promise<Uint8Array | undefined>;
  /** The key after the last one returned ('' when exhausted), then release the ledger iterator. */
  bookmarkAndClose(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A range scan that records what Fabric's resultsItr records for phantom-read validation: every key it produced
 * with its version, and the end key — the query's end once exhausted, otherwise the last key produced.
 */
export class RangeScan implements ResultSource {
  private readonly rawReads: { key: string; version: KeyVersion }[] = [];
  private exhausted = false;
  private lastKey = '';
  private nextCalled = false;

  constructor(
    private readonly namespace: string,
    readonly startKey: string,
    private readonly endKey: string,
    private readonly entries: AsyncIterator<StateEntry>,
  ) {}

  async next(): Promise<Uint8Array | undefined> {
    this.nextCalled = true;
    if (this.exhausted) return undefined;
    const step = await readStep(this.entries);
    if (step.done === true) {
      this.exhausted = true;
      return undefined;
    }
    const { key, value } = step.value;
    this.rawReads.push({ key, version: value.version });
    this.lastKey = key;
    const kv = new ledger.queryresult.KV();
    kv.setNamespace(this.namespace);
    kv.setKey(key);
    kv.setValue(value.value);
    return kv.serializeBinary();
  }

  async bookmarkAndClose(): Promise<string> {
    // Fabric's kvScanner peeks the underlying iterator directly: the peeked key is not a read of the transaction.
    const peek = this.exhausted ? undefined : await readStep(this.entries);
    await this.close();
    return peek === undefined || peek.done === true ? '' : peek.value.key;
  }

  async close(): Promise<void> {
    await this.entries.return?.();
  }

  /** What goes into the rwset; undefined for an iterator never advanced (Fabric records it with an empty end). */
  record(): RangeQueryRecord {
    return {
      startKey: this.startKey,
      endKey: this.exhausted ? this.endKey : this.nextCalled ? this.lastKey : '',
      itrExhausted: this.exhausted,
      rawReads: this.rawReads,
    };
  }
}

export class HistoryScan implements ResultSource {
  constructor(private readonly entries: AsyncIterator<HistoryEntry>) {}

  async next(): Promise<Uint8Array | undefined> {
    const step = await readStep(this.entries);
    if (step.done === true) return undefined;
    const entry = step.value;
    const modification = new ledger.queryresult.KeyModification();
    modification.setTxId(entry.txId);
    modification.setValue(entry.value);
    modification.setIsDelete(entry.isDelete);
    // KeyModification.timestamp is field 3; the shim calls getTimestamp().toObject() and so needs it present.
    return appendBytes(modification.serializeBinary(), timestampField(3, entry.timestamp));
  }

  async bookmarkAndClose(): Promise<string> {
    await this.close();
    return '';
  }

  async close(): Promise<void> {
    await this.entries.return?.();
  }
}

interface QueryContext {
  readonly source: ResultSource;
  pending: Uint8Array[];
  totalReturned: number;
}

/** The open iterators of one transaction, by the ids the shim echoes in QUERY_STATE_NEXT / QUERY_STATE_CLOSE. */
export class QueryContexts {
  private readonly open = new Map<string, QueryContext>();
  private closed = false;

  /** Throws (after releasing `source`) once the transaction has ended, like Fabric's checkDone. */
  async start(source: ResultSource): Promise<string> {
    if (this.closed) {
      await source.close();
      throw new SimulationError('NO_LEDGER_CONTEXT', 'this instance should not be used after calling Done()');
    }
    const id = randomUUID();
    this.open.set(id, { source, pending: [], totalReturned: 0 });
    return id;
  }

  /** Fabric's BuildQueryResponse: fill a batch from the pending row and the source. */
  async respond(id: string, paginated: boolean, totalReturnLimit: number): Promise<peer.QueryResponse> {
    const context = this.open.get(id);
    if (context === undefined) throw new SimulationError('ITERATOR_NOT_FOUND', 'query iterator not found');
    try {
      for (;;) {
        if (context.totalReturned >= totalReturnLimit) return await this.lastBatch(id, context, paginated);
        const result = await context.source.next();
        if (result === undefined) return await this.lastBatch(id, context, paginated);
        if (!paginated && context.pending.length === MAX_RESULTS_PER_BATCH) {
          const batch = context.pending;
          context.pending = [result];
          context.totalReturned++;
          return queryResponse(id, batch, true);
        }
        context.pending.push(result);
        context.totalReturned++;
      }
    } catch (error) {
      await this.close(id);
      throw error;
    }
  }

  async close(id: string): Promise<void> {
    const context = this.open.get(id);
    if (context === undefined) return;
    this.open.delete(id);
    await context.source.close();
  }

  /** Ends the transaction's iterators for good: later start() calls are refused. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
  }

  private async lastBatch(
    id: string,
    context: QueryContext,
    paginated: boolean,
  ): Promise<peer.QueryResponse> {
    this.open.delete(id);
    const response = queryResponse(id, context.pending, false);
    if (paginated) {
      const metadata = new peer.QueryResponseMetadata();
      metadata.setFetchedRecordsCount(context.totalReturned);
      metadata.setBookmark(await context.source.bookmarkAndClose());
      response.setMetadata(metadata.serializeBinary());
    } else {
      await context.source.close();
    }
    return response;
  }
}

function queryResponse(id: string, batch: Uint8Array[], hasMore: boolean): peer.QueryResponse {
  const response = new peer.QueryResponse();
  response.setResultsList(
    batch.map((bytes) => {
      const result = new peer.QueryResultBytes();
      result.setResultbytes(bytes);
      return result;
    }),
  );
  response.setHasMore(hasMore);
  response.setId(id);
  return response;
}

async function readStep<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await iterator.next();
  } catch (error) {
    throw new SimulationError('LEDGER_READ_FAILED', `reading the ledger failed: ${String(error)}`, {
      cause: error,
    });
  }
}
