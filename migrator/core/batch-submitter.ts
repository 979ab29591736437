/**
 * Submits batches through the ledger with at most `concurrency` in flight (p-limit) and back-pressure: `submit`
 * returns only once a slot is free, so the reader never runs more than one batch ahead per slot. Each batch is
 * retried as ledger-client's one retry decision says (`mayRetry`); CreateRecords is idempotent, so an unknown
 * outcome is sent again too.
 */
import pLimit from 'p-limit';
import type { BatchResult, Committed } from '../../common/ehr-contract.js';
import { backoffDelay, mayRetry, type RetryPolicy } from '../../ledger-client/retry.js';
import { LedgerBatchError } from '../errors.js';
import type { RecordLocation } from './record-location.js';

export interface BatchItem {
  /** The record's canonical JSON, as the pipeline wrote it: sent as is, never parsed again. */
  json: string;
  key: string;
  ordinal: number;
  location: RecordLocation;
  /** The record as read, for the dead letter should the ledger refuse it. */
  text: string;
}

export interface Batch {
  items: BatchItem[];
  bytes: number;
  /** The last record ordinal the batch accounts for (later rejects up to the cut belong to it). */
  lastOrdinal: number;
}

export type BatchOutcome = { ok: true; result: BatchResult } | { ok: false; error: LedgerBatchError };

export interface SubmitterDeps {
  createRecordsJson: (batch: readonly string[]) => Promise<Committed<BatchResult>>;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  onAttemptFailed?: (batch: Batch, attempt: number, error: unknown, willRetry: boolean) => void;
}

export class BatchSubmitter {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: SubmitterDeps,
    private readonly concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Starts the batch once a slot is free; `onDone` runs when it has committed or failed for good. */
  async submit(batch: Batch, onDone: (outcome: BatchOutcome) => void): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const running: Promise<void> = this.limit(() => this.attempt(batch)).then(onDone, (error: unknown) => {
      onDone({
        ok: false,
        error: new LedgerBatchError(`batch handling failed: ${String(error)}`, describe(batch, 0), {
          cause: error,
        }),
      });
    });
    const tracked = running.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Waits for every batch in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async attempt(batch: Batch): Promise<BatchOutcome> {
    const records = batch.items.map((item) => item.json);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const committed = await this.deps.createRecordsJson(records);
        return { ok: true, result: committed.value };
      } catch (error) {
        const retryable = mayRetry(error, { idempotent: true });
        const willRetry = retryable && attempt < this.deps.retry.maxAttempts;
        this.deps.onAttemptFailed?.(batch, attempt, error, willRetry);
        if (!willRetry) {
          const why = retryable ? `still failing after ${attempt} attempts` : 'permanent failure';
          const message = `CreateRecords of ${batch.items.length} records (ordinals ${firstOrdinal(batch)}–${batch.lastOrdinal}) failed, ${why}: ${error instanceof Error ? error.message : String(error)}`;
          return {
            ok: false,
            error: new LedgerBatchError(message, describe(batch, attempt), { cause: error }),
          };
        }
        await this.deps.sleep(backoffDelay(this.deps.retry, attempt));
      }
    }
  }
}

function firstOrdinal(batch: Batch): number {
  return batch.items[0]?.ordinal ?? batch.lastOrdinal;
}

function describe(batch: Batch, attempts: number): LedgerBatchError['batch'] {
  return {
    firstOrdinal: firstOrdinal(batch),
    lastOrdinal: batch.lastOrdinal,
    size: batch.items.length,
    attempts,
  };
}
