/**
 * Referenced records first, with one read of the input. A live run submits the record types others refer to
 * (Organization, Practitioner) as it reads, and sets every other accepted record aside — already parsed, cleaned,
 * validated and serialised, as the bytes the chaincode will get — until the whole input is read and those are
 * committed; then it submits what it set aside. A FHIR server or `$export` is thus downloaded once, and a record is
 * parsed once. Where the set-aside records wait is injected: a file in the run folder (io/deferred-spool.ts) for the
 * CLI, memory for tests.
 */
import type { BatchItem } from './batch-submitter.js';

export const REFERENCED_FIRST_TYPES: ReadonlySet<string> = new Set(['Organization', 'Practitioner']);

/** How much has been set aside: durable once returned by `position()`, and recorded in every checkpoint. */
export interface SpoolPosition {
  /** Records set aside. */
  records: number;
  /** The spool's size (the file spool's bytes; 0 for memory). */
  bytes: number;
  /**
   * The highest input ordinal set aside. A checkpoint's spool may hold records past its watermark (read ahead of
   * the commits); a resume does not set those aside a second time.
   */
  maxOrdinal: number;
  /**
   * Set once the whole input is read (the spool is then complete): how many records the input had. The set-aside
   * records are numbered after them, N + 1, N + 2, …
   */
  inputRecords?: number;
}

export interface DeferredSpool {
  /**
   * Sets a record aside (its `ordinal` is the input ordinal; it is renumbered when read back), unless a resume
   * found it in the spool already.
   */
  append(item: BatchItem): void;
  /** Makes everything set aside so far durable and says how much that is (after `close`, what it was then). */
  position(): SpoolPosition;
  /** The records set aside, in the order they were appended. */
  read(): AsyncIterable<BatchItem>;
  close(): void;
}

/** Keeps set-aside records in memory: for tests and small in-process runs, never for the CLI's unbounded input. */
export class MemorySpool implements DeferredSpool {
  private readonly items: BatchItem[] = [];
  private maxOrdinal = 0;

  append(item: BatchItem): void {
    this.items.push(item);
    this.maxOrdinal = item.ordinal;
  }

  position(): SpoolPosition {
    return { records: this.items.length, bytes: 0, maxOrdinal: this.maxOrdinal };
  }

  async *read(): AsyncIterable<BatchItem> {
    for (const item of this.items) yield await Promise.resolve(item);
  }

  close(): void {
    // Nothing to release; the items stay readable for the position of the final checkpoint.
  }
}
