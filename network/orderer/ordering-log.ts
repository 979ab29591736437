/**
 * The seam between Broadcast and block making. Broadcast appends accepted envelopes to a channel's ordering log;
 * the channel's block maker consumes the log in order. The dev profile's single orderer uses the in-process log
 * below; a Raft-replicated log (etcd raft, later) implements the same interface so every replica consumes the same
 * entries and cuts the same blocks.
 *
 * Batch timeouts are entries too ('time-to-cut', as Fabric's Kafka orderer did): the timer only proposes a cut, and
 * the cut happens where the entry lands in the log, so replicas never disagree on where a timed-out batch ends.
 */

export type OrderingEntry =
  | {
      readonly kind: 'envelope';
      readonly envelope: Uint8Array;
      readonly size: number;
      /** The entry's index in a replicated log (etcd revision); absent in-process. */
      readonly position?: number;
    }
  /** Cut the pending batch if the next block to be made is still `blockNumber` (duplicates are then no-ops). */
  | { readonly kind: 'time-to-cut'; readonly blockNumber: number; readonly position?: number };

export interface OrderingLog {
  /**
   * True for a log that outlives this orderer (Raft): entries not yet in a block are replayed after a restart, so
   * closing must not cut them into a block only this replica would have.
   */
  readonly replicated?: boolean;
  /**
   * Appends an entry. Resolves once the entry is accepted for ordering (in-process: at once; replicated: once a
   * quorum holds it), which is when Broadcast answers SUCCESS. Rejects when the log is closed.
   */
  append(entry: OrderingEntry): Promise<void>;
  /** Registers the single consumer; entries are handed over in log order, each exactly once. */
  consume(consumer: (entry: OrderingEntry) => void): void;
  close(): Promise<void>;
}

export class OrderingLogClosedError extends Error {
  readonly code = 'LOG_CLOSED';
  constructor() {
    super('ordering log is closed');
    this.name = 'OrderingLogClosedError';
  }
}

/** In-process log: appends are handed straight to the consumer, in call order, on the caller's turn. */
export class InProcessOrderingLog implements OrderingLog {
  private consumer: ((entry: OrderingEntry) => void) | undefined;
  private readonly backlog: OrderingEntry[] = [];
  private closed = false;

  append(entry: OrderingEntry): Promise<void> {
    if (this.closed) return Promise.reject(new OrderingLogClosedError());
    if (this.consumer) this.consumer(entry);
    else this.backlog.push(entry);
    return Promise.resolve();
  }

  consume(consumer: (entry: OrderingEntry) => void): void {
    this.consumer = consumer;
    for (const entry of this.backlog.splice(0)) consumer(entry);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
