/**
 * The migration itself: read → pipeline (parse, clean, validate) → dedupe → batch → submit → checkpoint → report.
 * Everything with side effects arrives through `MigrationDeps`, so tests drive it with an in-memory ledger and
 * the CLI with the real one. What becomes of each processed record (reject, duplicate, accept) is record-verdicts.ts.
 *
 * Ordering, with one read of the input: when a ledger is present, the record types others refer to (Organization,
 * Practitioner) are submitted as they are read and every other accepted record is set aside (deferred-records.ts);
 * once the input is read and those are committed, the set-aside records are submitted, so a dependant never reaches
 * the ledger before the organisation or practitioner it references from the same run. Ordinals: 1…N for the
 * records read, N + k for the k-th set-aside record; the checkpoint's watermark counts in that one sequence.
 *
 * Resume: records up to the checkpoint's watermark are replayed through the pipeline and the dedupe index (so
 * duplicates across the crash are still found) but not submitted again; the dead letter and fix log were cut back
 * to the checkpoint's size and do not get their surviving entries twice.
 */
import type { BatchItemResult } from '../../common/ehr-contract.js';
import { BatchSubmitter, type Batch } from './batch-submitter.js';
import { ChunkDispatcher, DEFAULT_CHUNK_RECORDS, type HandledChunk } from './chunk-dispatcher.js';
import { ledgerRefusalEntry } from './dead-letter-entries.js';
import {
  FhirServerError,
  InputReadError,
  OutputWriteError,
  PipelineWorkerError,
  type MigratorError,
} from '../errors.js';
import {
  buildReport,
  emptyLedgerCounts,
  MigrationCounters,
  type LedgerCounts,
  type MigrationReport,
  type MigrationStatus,
} from './migration-report.js';
import { InThreadProcessor, type ProcessedRecord, type RecordProcessor } from './record-processor.js';
import { MemorySpool, REFERENCED_FIRST_TYPES, type DeferredSpool } from './deferred-records.js';
import { RecordVerdicts } from './record-verdicts.js';
import { CommitWatermark } from './watermark.js';

import type { MigrationDeps, MigrationSettings } from './migration-deps.js';

export type {
  Logger,
  MigrationDeps,
  MigrationLedger,
  MigrationSettings,
  Milestone,
} from './migration-deps.js';
export { REFERENCED_FIRST_TYPES } from './deferred-records.js';
export { OVERSIZE_TEXT_CHARS } from './dead-letter-entries.js';

export async function runMigration(
  deps: MigrationDeps,
  settings: MigrationSettings,
): Promise<MigrationReport> {
  return new Migration(deps, settings).run();
}

class Migration {
  private readonly counters = new MigrationCounters();
  private readonly verdicts: RecordVerdicts;
  private readonly ledgerCounts: LedgerCounts;
  private readonly submitter: BatchSubmitter | undefined;
  private readonly replayUpTo: number;
  private current: Batch = { items: [], bytes: 0, lastOrdinal: 0 };
  private ordinal = 0;
  /** Every record up to this ordinal has been handled (or belongs to the other pass): what a batch may checkpoint. */
  private handledOrdinal = 0;
  private readonly processor: RecordProcessor;
  private readonly watermark: CommitWatermark;
  private failure: MigratorError | undefined;
  /** The input that failed to read to its end, recorded in the checkpoint for a resume with the completed file. */
  private stoppedOnInput: string | undefined;
  private readonly spool: DeferredSpool;
  /** The input's record count, once it is read and checkpointed whole (or from the checkpoint a resume starts at). */
  private inputRecords: number | undefined;

  constructor(
    private readonly deps: MigrationDeps,
    private readonly settings: MigrationSettings,
  ) {
    const resumeFrom = deps.checkpoint?.resumeFrom;
    this.replayUpTo = resumeFrom?.watermark ?? 0;
    this.inputRecords = resumeFrom?.deferred?.inputRecords;
    if (deps.deferredSpool === undefined && (resumeFrom?.deferred?.records ?? 0) > 0) {
      throw new Error('resuming a run that set records aside needs the spool they were set aside in');
    }
    this.spool = deps.deferredSpool ?? new MemorySpool();
    this.verdicts = new RecordVerdicts(this.counters, deps.deadLetter, deps.fixLog);
    this.processor = deps.processor ?? new InThreadProcessor(deps.pipeline);
    this.watermark = new CommitWatermark(this.replayUpTo);
    this.ledgerCounts = resumeFrom === undefined ? emptyLedgerCounts() : { ...resumeFrom.ledger };
    const ledger = deps.ledger;
    if (ledger !== undefined) {
      this.submitter = new BatchSubmitter(
        {
          createRecordsJson: (batch) => {
            const sent = ledger.createRecordsJson(batch);
            deps.onMilestone?.('batch-sent');
            return sent;
          },
          retry: settings.retry,
          sleep: deps.sleep,
          onAttemptFailed: (batch, attempt, error, willRetry) => {
            deps.log.warn(
              {
                attempt,
                willRetry,
                size: batch.items.length,
                lastOrdinal: batch.lastOrdinal,
                err: String(error),
              },
              'CreateRecords attempt failed',
            );
          },
        },
        settings.concurrency,
      );
    }
  }

  async run(): Promise<MigrationReport> {
    const startedAtMs = this.deps.now();
    const heightBefore = await this.height();
    let status: MigrationStatus = 'finished';
    try {
      const complete = await this.readInput();
      if (complete && this.submitter !== undefined) {
        // Referenced records must be committed before any dependant is submitted.
        await this.flushBatch();
        await this.submitter.drain();
        if (this.failure === undefined) await this.submitDeferred();
      }
    } catch (error) {
      await this.stopOn(error);
    } finally {
      this.spool.close();
    }
    await this.submitter?.drain();
    if (this.failure !== undefined) status = 'failed';
    else if (this.deps.stop.aborted) status = 'interrupted';
    else this.watermark.raiseTo(this.ordinal);
    this.writeCheckpoint(status === 'finished');
    const heightAfter = await this.height();
    this.closeLogs();
    if (this.failure !== undefined) status = 'failed';
    return buildReport({
      status,
      ...(this.failure === undefined
        ? {}
        : { error: { code: this.failure.code, message: this.failure.message } }),
      dryRun: this.deps.ledger === undefined,
      inputs: this.settings.inputs,
      startedAtMs,
      finishedAtMs: this.deps.now(),
      counters: this.counters,
      ledger: this.ledgerCounts,
      ledgerHeight: {
        ...(heightBefore === undefined ? {} : { before: heightBefore }),
        ...(heightAfter === undefined ? {} : { after: heightAfter }),
      },
      ...(this.replayUpTo > 0 ? { resumedFrom: this.replayUpTo } : {}),
      files: {
        ...(this.deps.deadLetter.file === undefined ? {} : { deadLetter: this.deps.deadLetter.file }),
        ...(this.deps.fixLog.file === undefined ? {} : { fixLog: this.deps.fixLog.file }),
        ...(this.deps.checkpoint === undefined ? {} : { checkpoint: this.deps.checkpoint.store.file }),
      },
    });
  }

  /**
   * An input that cannot be read on (truncated gzip, unclosed Bundle, a FHIR server gone) or an output that cannot be
   * written (dead letter on a full disk) ends the run as 'failed' with a report, not a crash. For a read failure the
   * records before it are good: the batch being filled is submitted and awaited, so the checkpoint covers them. For
   * a write failure the checkpoint cannot move any more (the log refuses to report a position), so nothing is lost.
   */
  private async stopOn(error: unknown): Promise<void> {
    if (!(
      error instanceof InputReadError ||
      error instanceof FhirServerError ||
      error instanceof OutputWriteError
    )) {
      throw error;
    }
    this.deps.log.warn({ err: error.message }, 'stopping');
    if (error instanceof InputReadError) this.stoppedOnInput = error.input;
    if (this.failure === undefined) {
      await this.flushBatch();
      await this.submitter?.drain();
    }
    this.failure ??= error;
  }

  private closeLogs(): void {
    for (const log of [this.deps.deadLetter, this.deps.fixLog]) {
      try {
        log.close();
      } catch (error) {
        if (!(error instanceof OutputWriteError)) throw error;
        this.failure ??= error;
      }
    }
  }

  private async height(): Promise<number | undefined> {
    const ledger = this.deps.ledger;
    if (ledger?.blockHeight === undefined) return undefined;
    try {
      return await ledger.blockHeight();
    } catch (error) {
      this.deps.log.warn({ err: String(error) }, 'ledger height unavailable');
      return undefined;
    }
  }

  /** Reads the input once. Returns false when the run stopped early (interrupt or failed batch). */
  private async readInput(): Promise<boolean> {
    const chunks = new ChunkDispatcher(
      this.processor,
      this.settings.chunkRecords ?? DEFAULT_CHUNK_RECORDS,
      (chunk) => this.handleChunk(chunk),
    );
    let readFailure: InputReadError | FhirServerError | undefined;
    try {
      for await (const record of this.deps.source()) {
        if (this.stopping()) break;
        this.ordinal += 1;
        this.deps.onMilestone?.('record-read');
        await chunks.add({
          ordinal: this.ordinal,
          location: record.location,
          text: record.text,
          ...(record.bytes === undefined ? {} : { bytes: record.bytes }),
        });
        if ((this.ordinal & 1023) === 0) this.deps.onProgress?.(this.ordinal);
      }
    } catch (error) {
      // A source that breaks off (truncated gzip, unclosed Bundle): the records read before the break are good and
      // are handled below like any others, so the checkpoint can cover them; then the failure goes on up.
      if (!(error instanceof InputReadError || error instanceof FhirServerError)) throw error;
      readFailure = error;
    }
    await chunks.finish();
    if (!this.stopping()) this.handledOrdinal = this.ordinal;
    this.deps.onProgress?.(this.ordinal);
    if (readFailure !== undefined) throw readFailure;
    return !this.stopping();
  }

  /**
   * Checkpoints the whole input as handled (unless a resume starts past that point), then submits the records set
   * aside, numbered after the input's.
   */
  private async submitDeferred(): Promise<void> {
    if (this.inputRecords === undefined) {
      this.inputRecords = this.ordinal;
      this.watermark.raiseTo(this.ordinal);
      this.writeCheckpoint(false);
    }
    let ordinal = this.inputRecords;
    for await (const deferred of this.spool.read()) {
      if (this.stopping()) break;
      ordinal += 1;
      this.deps.onMilestone?.('deferred-read');
      if (ordinal <= this.replayUpTo) continue;
      this.current.items.push({ ...deferred, ordinal });
      this.current.bytes += deferred.text.length;
      this.handledOrdinal = ordinal;
      if (this.batchIsFull()) await this.flushBatch();
    }
    if (this.stopping()) return;
    this.ordinal = ordinal;
    this.handledOrdinal = ordinal;
    await this.flushBatch();
  }

  private stopping(): boolean {
    return this.deps.stop.aborted || this.failure !== undefined;
  }

  /**
   * Handles a chunk's results in input order. Once the run is stopping, chunks still in flight are dropped: their
   * records are past the watermark, so a resume reads them again.
   */
  private async handleChunk(chunk: HandledChunk): Promise<void> {
    if (this.stopping()) return;
    if (chunk.results === undefined) {
      this.failure =
        chunk.error instanceof PipelineWorkerError
          ? chunk.error
          : new PipelineWorkerError(-1, `record processing failed: ${String(chunk.error)}`, {
              cause: chunk.error,
            });
      this.deps.log.warn({ err: this.failure.message }, 'record processing failed; stopping');
      return;
    }
    for (let i = 0; i < chunk.entries.length; i += 1) {
      const entry = chunk.entries[i] as HandledChunk['entries'][number];
      this.handle(entry, chunk.results[i] as ProcessedRecord);
      this.handledOrdinal = entry.ordinal;
      if (this.batchIsFull()) await this.flushBatch();
      if (this.stopping()) return;
    }
  }

  /** Sends an accepted record on: into the batch if its type is referenced by others, else to the spool. */
  private handle(record: HandledChunk['entries'][number], result: ProcessedRecord): void {
    const accepted = this.verdicts.judge(record, result);
    if (accepted === undefined || this.submitter === undefined || record.ordinal <= this.replayUpTo) return;
    const { item, resourceType } = accepted;
    if (!REFERENCED_FIRST_TYPES.has(resourceType)) {
      this.spool.append(item);
      return;
    }
    this.current.items.push(item);
    this.current.bytes += item.text.length;
  }

  private batchIsFull(): boolean {
    return (
      this.current.items.length >= this.settings.batchSize ||
      this.current.bytes >= this.settings.maxBatchBytes
    );
  }

  private async flushBatch(): Promise<void> {
    const submitter = this.submitter;
    if (submitter === undefined || this.current.items.length === 0) return;
    const batch: Batch = { ...this.current, lastOrdinal: this.handledOrdinal };
    this.current = { items: [], bytes: 0, lastOrdinal: 0 };
    const settle = this.watermark.track(batch);
    await submitter.submit(batch, (outcome) => {
      settle(outcome);
      this.advanceWatermark();
    });
  }

  /** Moves the watermark over the contiguous prefix of committed batches and writes the checkpoint. */
  private advanceWatermark(): void {
    if (this.failure !== undefined) return;
    const { moved, failed } = this.watermark.advance(
      (batch, result) => {
        this.recordLedgerOutcome(batch, result.items);
      },
      () => this.failure !== undefined,
    );
    if (failed !== undefined) {
      this.failure = failed;
      this.deps.log.warn({ err: failed.message }, 'batch failed; stopping');
    }
    if (moved) this.writeCheckpoint(false);
  }

  private recordLedgerOutcome(batch: Batch, results: readonly BatchItemResult[]): void {
    for (const item of results) {
      this.ledgerCounts[item.outcome] += 1;
      if (item.outcome !== 'conflict' && item.outcome !== 'invalid') continue;
      const submitted = batch.items[item.index];
      if (submitted === undefined) continue;
      this.deps.deadLetter.appendAlways(submitted.ordinal, ledgerRefusalEntry(submitted, item));
    }
    this.deps.log.info(
      { size: batch.items.length, lastOrdinal: batch.lastOrdinal, counts: this.ledgerCounts },
      'batch committed',
    );
    // Committed on the ledger, not yet in the checkpoint: the window a crash test stops the process in.
    this.deps.onMilestone?.('batch-committed');
  }

  /**
   * A log or checkpoint that cannot be written fails the run instead of throwing: this runs inside batch callbacks,
   * and the checkpoint on disk stays at the last position whose dead-letter entries are known to be written.
   */
  private writeCheckpoint(finished: boolean): void {
    const checkpoint = this.deps.checkpoint;
    if (checkpoint === undefined || this.deps.ledger === undefined) return;
    try {
      checkpoint.store.write({
        version: 2,
        fingerprint: checkpoint.fingerprint,
        watermark: this.watermark.value,
        finished: finished && this.failure === undefined,
        deadLetter: this.deps.deadLetter.position(),
        fixLog: this.deps.fixLog.position(),
        ledger: { ...this.ledgerCounts },
        updatedAt: new Date(this.deps.now()).toISOString(),
        ...(checkpoint.identity === undefined ? {} : { identity: checkpoint.identity }),
        ...(this.stoppedOnInput === undefined ? {} : { stoppedOnInput: this.stoppedOnInput }),
        // Fsynced like the dead letter: every record set aside up to the watermark is in the spool for sure.
        deferred: {
          ...this.spool.position(),
          ...(this.inputRecords === undefined ? {} : { inputRecords: this.inputRecords }),
        },
      });
    } catch (error) {
      if (!(error instanceof OutputWriteError)) throw error;
      if (this.failure === undefined) this.deps.log.warn({ err: error.message }, 'stopping');
      this.failure ??= error;
    }
  }
}
