/**
 * How the migration gets records through the pipeline: in chunks, so the same orchestration can run the pipeline in
 * this thread or spread it over worker threads (record-worker-pool.ts). Parse, clean, validate and hash are most of a
 * dry run's time and need nothing from the rest of the run, so they are what parallelises.
 */
import type { RecordLocation } from './record-location.js';
import type { RecordPipeline, RecordResult } from './record-pipeline.js';

export interface RecordInput {
  text: string;
  location: RecordLocation;
  /** Full size of an over-long line whose `text` is only its head: always an R6 reject. */
  bytes?: number;
}

/**
 * A pipeline result as it crosses a thread boundary: an accepted record travels as its canonical JSON only (a string
 * is copied cheaply; a structured clone of the object costs as much as parsing it again, and a dry run never needs it).
 */
export type ProcessedRecord =
  Extract<RecordResult, { kind: 'rejected' }> | Omit<Extract<RecordResult, { kind: 'accepted' }>, 'resource'>;

export interface RecordProcessor {
  /** Results in the order of `records`. */
  process(records: readonly RecordInput[]): Promise<ProcessedRecord[]>;
  /** How many chunks are worth having in flight at once. */
  readonly parallelism: number;
  close(): Promise<void>;
}

export function withoutResource(result: RecordResult): ProcessedRecord {
  if (result.kind === 'rejected') return result;
  const { resource, ...rest } = result;
  return rest;
}

/** The pipeline in the calling thread: for one core, for tests, and as the baseline the worker pool is measured against. */
export class InThreadProcessor implements RecordProcessor {
  readonly parallelism = 1;

  constructor(private readonly pipeline: RecordPipeline) {}

  process(records: readonly RecordInput[]): Promise<ProcessedRecord[]> {
    return Promise.resolve(
      records.map((record) =>
        withoutResource(this.pipeline.processText(record.text, record.location, record.bytes)),
      ),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
