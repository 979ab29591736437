/**
 * A dry run over local files (NDJSON, or Bundles) with the CLI's default settings and no progress or logging: the one
 * wiring of `runMigration` that the benchmarks and the ground-truth tests share, so they measure and check the same
 * thing.
 */
import { runMigration } from './core/migration.js';
import type { MigrationReport } from './core/migration-report.js';
import { OrdinalLog } from './io/ordinal-log.js';
import type { RecordPipeline } from './core/record-pipeline.js';
import type { RecordProcessor } from './core/record-processor.js';
import { sourceForInputs } from './io/sources/open-inputs.js';

export interface LocalDryRun {
  files: readonly string[];
  /** How every file is read; NDJSON unless given. */
  kind?: 'ndjson' | 'bundle';
  pipeline: RecordPipeline;
  /** Defaults to the pipeline in this thread. */
  processor?: RecordProcessor;
  deadLetterFile?: string;
  fixLogFile?: string;
}

export function dryRunFiles(run: LocalDryRun): Promise<MigrationReport> {
  const files = [...run.files];
  return runMigration(
    {
      source: sourceForInputs(
        files.map((name) => ({ name, kind: run.kind ?? 'ndjson', gzip: false })),
        // Server settings are unused: every input is a file.
        {
          resourceTypes: [],
          pageSize: 1,
          bulkExport: false,
          requestTimeoutMs: 1,
          pollIntervalMs: 1,
          exportTimeoutMs: 1,
        },
      ),
      pipeline: run.pipeline,
      ...(run.processor === undefined ? {} : { processor: run.processor }),
      deadLetter: new OrdinalLog(run.deadLetterFile),
      fixLog: new OrdinalLog(run.fixLogFile),
      sleep: () => Promise.resolve(),
      now: () => Date.now(),
      stop: new AbortController().signal,
      log: { info: () => undefined, warn: () => undefined },
    },
    {
      inputs: files,
      batchSize: 200,
      maxBatchBytes: 1 << 22,
      concurrency: 4,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      maxRecordBytes: 1 << 20,
    },
  );
}
