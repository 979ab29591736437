/**
 * The checkpoint's watermark: the last record ordinal of the contiguous prefix of committed batches. Batches commit
 * out of order when several are in flight; the watermark moves only over a prefix that is wholly committed, so a
 * resume never skips a record.
 */
import type { BatchResult } from '../../common/ehr-contract.js';
import type { LedgerBatchError } from '../errors.js';
import type { Batch, BatchOutcome } from './batch-submitter.js';

export class CommitWatermark {
  private readonly pending: { batch: Batch; outcome?: BatchOutcome }[] = [];

  constructor(private current: number) {}

  get value(): number {
    return this.current;
  }

  /** Every record up to `ordinal` is accounted for (the end of a finished run). */
  raiseTo(ordinal: number): void {
    this.current = Math.max(this.current, ordinal);
  }

  /** Registers a batch in submission order; the returned function is told its outcome. */
  track(batch: Batch): (outcome: BatchOutcome) => void {
    const slot: { batch: Batch; outcome?: BatchOutcome } = { batch };
    this.pending.push(slot);
    return (outcome) => {
      slot.outcome = outcome;
    };
  }

  /**
   * Moves over the settled prefix, calling `onCommitted` for each committed batch in order, until a batch is still
   * in flight, `stop()` says so, or a batch failed (returned; the watermark stays before it).
   */
  advance(
    onCommitted: (batch: Batch, result: BatchResult) => void,
    stop: () => boolean,
  ): { moved: boolean; failed?: LedgerBatchError } {
    let moved = false;
    while (this.pending[0]?.outcome !== undefined && !stop()) {
      const { batch, outcome } = this.pending.shift() as { batch: Batch; outcome: BatchOutcome };
      if (!outcome.ok) return { moved, failed: outcome.error };
      onCommitted(batch, outcome.result);
      this.current = batch.lastOrdinal;
      moved = true;
    }
    return { moved };
  }
}
