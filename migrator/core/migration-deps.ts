/**
 * What a migration is given: its settings, and every side effect as a dependency (source, processor, ledger, logs,
 * checkpoint store, clock, stop signal), so tests drive it with an in-memory ledger and the CLI with the real one.
 */
import type { BatchResult, Committed } from '../../common/ehr-contract.js';
import type { RetryPolicy } from '../../ledger-client/retry.js';
import type { Checkpoint, CheckpointStore } from '../io/checkpoint.js';
import type { OrdinalLog } from '../io/ordinal-log.js';
import type { DeferredSpool } from './deferred-records.js';
import type { RecordPipeline } from './record-pipeline.js';
import type { RecordProcessor } from './record-processor.js';
import type { RecordSource } from './source-record.js';

/**
 * What the migrator needs from the ledger. `createRecordsJson` takes each record as the canonical JSON the pipeline
 * already wrote, so a record is parsed once and serialised once on its way to the chaincode. The block height is
 * optional because not every ledger can tell.
 */
export interface MigrationLedger {
  createRecordsJson: (batch: readonly string[]) => Promise<Committed<BatchResult>>;
  blockHeight?: () => Promise<number>;
}

export interface MigrationSettings {
  inputs: string[];
  batchSize: number;
  maxBatchBytes: number;
  concurrency: number;
  retry: RetryPolicy;
  maxRecordBytes: number;
  /** Records per chunk handed to the processor (default 256); tests make it small to have many chunks in flight. */
  chunkRecords?: number;
}

/**
 * Points of a run the crash tests stop the process at (see io/test-freeze.ts): a record was read from the input or
 * from the set-aside records, a CreateRecords was sent, a batch's commit was learnt (before the checkpoint that follows it is written).
 */
export type Milestone = 'record-read' | 'deferred-read' | 'batch-sent' | 'batch-committed';

export interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface MigrationDeps {
  source: RecordSource;
  pipeline: RecordPipeline;
  /** Runs `pipeline`'s work, e.g. on worker threads; the creator closes it. Defaults to this thread. */
  processor?: RecordProcessor;
  /** Undefined for --dry-run: everything happens except submitting. */
  ledger?: MigrationLedger;
  deadLetter: OrdinalLog;
  fixLog: OrdinalLog;
  checkpoint?: {
    store: CheckpointStore;
    fingerprint: string;
    /** What the fingerprint was computed from; written into the checkpoint (see fingerprint.ts). */
    identity?: unknown;
    resumeFrom?: Checkpoint;
  };
  /** Where a live run sets aside the records it submits after the referenced types; memory when not given. */
  deferredSpool?: DeferredSpool;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Aborted on SIGINT: batches in flight finish, the checkpoint is written, the run stops. */
  stop: AbortSignal;
  onProgress?: (recordsSeen: number) => void;
  /** TEST ONLY: told at each milestone; unset in production (the CLI sets it from FHIRLEDGER_TEST_FREEZE_AT). */
  onMilestone?: (milestone: Milestone) => void;
  log: Logger;
}
