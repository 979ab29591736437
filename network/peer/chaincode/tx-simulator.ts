/**
 * One transaction's simulation over committed state, with Fabric's txSimulator rules:
 * - reads see committed state only — never this transaction's own writes (Fabric has no read-your-writes);
 * - every GetState / GetStateMetadata records the key's committed version (none when missing);
 * - range scans record a RangeQueryInfo; history queries record nothing;
 * - a paginated query after a write, or a write after a paginated query, is refused — for Evaluate too, since
 *   Fabric's endorser simulates every proposal with the same full simulator.
 */
import type { StateReader } from '../../ledger/types.js';
import { HistoryScan, QueryContexts, RangeScan, TOTAL_QUERY_LIMIT } from './query-iterators.js';
import { RwSetBuilder } from './rwset-builder.js';
import { SimulationError } from './simulation-error.js';
import type { peer } from '@hyperledger/fabric-protos';

export interface Pagination {
  readonly pageSize: number;
  readonly bookmark: string;
}

export class TxSimulator {
  private readonly rwset: RwSetBuilder;
  private readonly queries = new QueryContexts();
  private readonly rangeScans: RangeScan[] = [];
  private writePerformed = false;
  private paginatedQueryPerformed = false;

  constructor(
    readonly txId: string,
    private readonly namespace: string,
    private readonly state: StateReader,
  ) {
    this.rwset = new RwSetBuilder(namespace);
  }

  /** The committed value, or an empty array when the key does not exist (what the shim expects). */
  async getState(key: string): Promise<Uint8Array> {
    const versioned = await this.read(() => this.state.getState(this.namespace, key));
    this.rwset.addRead(key, versioned?.version);
    return versioned?.value ?? new Uint8Array();
  }

  /** Fabric reads the metadata through getState, so the key's version lands in the read set too. */
  async getStateMetadata(key: string): Promise<ReadonlyMap<string, Uint8Array>> {
    const versioned = await this.read(() => this.state.getState(this.namespace, key));
    this.rwset.addRead(key, versioned?.version);
    if (versioned === undefined) return new Map();
    const metadata = await this.read(() => this.state.getStateMetadata(this.namespace, key));
    return new Map(Object.entries(metadata ?? {}));
  }

  /** An empty value deletes the key, as in Fabric's SetState. */
  putState(key: string, value: Uint8Array): void {
    this.checkWrite();
    this.rwset.addWrite(key, value);
  }

  putStateMetadata(key: string, metakey: string, value: Uint8Array): void {
    this.checkWrite();
    this.rwset.addMetadataWrite(key, new Map([[metakey, value]]));
  }

  /** GET_STATE_BY_RANGE: opens an iterator and answers its first batch (or its only page). */
  async rangeQuery(startKey: string, endKey: string, pagination?: Pagination): Promise<peer.QueryResponse> {
    if (pagination !== undefined) this.beginPaginatedQuery();
    // Fabric starts a page at the bookmark (inclusive); the range info then records the bookmark as its start.
    const start = pagination !== undefined && pagination.bookmark !== '' ? pagination.bookmark : startKey;
    const entries = this.state.getStateRange(this.namespace, start, endKey)[Symbol.asyncIterator]();
    const scan = new RangeScan(this.namespace, start, endKey, entries);
    this.rangeScans.push(scan);
    const id = await this.queries.start(scan);
    return this.queries.respond(id, pagination !== undefined, totalReturnLimit(pagination));
  }

  async historyQuery(key: string): Promise<peer.QueryResponse> {
    const entries = this.state.getHistory(this.namespace, key)[Symbol.asyncIterator]();
    const id = await this.queries.start(new HistoryScan(entries));
    return this.queries.respond(id, false, TOTAL_QUERY_LIMIT);
  }

  queryNext(id: string): Promise<peer.QueryResponse> {
    return this.queries.respond(id, false, TOTAL_QUERY_LIMIT);
  }

  async queryClose(id: string): Promise<void> {
    await this.queries.close(id);
  }

  /** Ends the simulation: releases open iterators and returns bytes(TxReadWriteSet). */
  async finish(): Promise<Uint8Array> {
    await this.queries.closeAll();
    for (const scan of this.rangeScans) this.rwset.addRangeQuery(scan.record());
    return this.rwset.build();
  }

  /** Ends a simulation whose result is thrown away (timeout, broken stream). */
  async abandon(): Promise<void> {
    await this.queries.closeAll();
  }

  /** Fabric's checkBeforePaginatedQueries; it marks the transaction even when the query itself then fails. */
  beginPaginatedQuery(): void {
    if (this.writePerformed) {
      throw new SimulationError(
        'PAGINATED_QUERY_AFTER_WRITE',
        `txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`,
      );
    }
    this.paginatedQueryPerformed = true;
  }

  private checkWrite(): void {
    if (this.paginatedQueryPerformed) {
      throw new SimulationError(
        'WRITE_AFTER_PAGINATED_QUERY',
        `txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
      );
    }
    this.writePerformed = true;
  }

  private async read<T>(fetch: () => Promise<T>): Promise<T> {
    try {
      return await fetch();
    } catch (error) {
      throw new SimulationError('LEDGER_READ_FAILED', `reading the ledger failed: ${String(error)}`, {
        cause: error,
      });
    }
  }
}

/** Fabric's calculateTotalReturnLimit: the page size when set and below the peer's total query limit. */
function totalReturnLimit(pagination: Pagination | undefined): number {
  const pageSize = pagination?.pageSize ?? 0;
  return pageSize > 0 && pageSize < TOTAL_QUERY_LIMIT ? pageSize : TOTAL_QUERY_LIMIT;
}
