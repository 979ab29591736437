/**
 * `fhirledger migrate`: the composition root. Reads the config, builds the pipeline and its adapters (files, the
 * ledger through ledger-factory, the clock, signals), runs the migration and writes the report.
 * stdout carries the summary only; logs and progress go to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { ExitCode, readCommandConfig } from '../common/cli-args.js';
import type { CommandRunner } from '../cli/command.js';
import { ProgressDisplay } from '../common/progress.js';
import {
  DEFAULT_LEDGER_RETRY,
  ledgerForNamedIdentity,
  LedgerUnavailableError,
  openLedgerSession,
  type LedgerSession,
} from '../ledger-client/index.js';
import { CheckpointStore } from './io/checkpoint.js';
import {
  CheckpointExistsError,
  CheckpointMismatchError,
  InputNotFoundError,
  MigratorError,
  OutputWriteError,
} from './errors.js';
import { fingerprintOf, migrationIdentity, resumesAfterCompletedInput } from './io/fingerprint.js';
import { FhirTypeIndex, loadFhirSchema } from './core/fhir-types.js';
import { loadMigrateConfig, MIGRATE_SPEC, outcomeOptions, type MigrateConfig } from './migrate-config.js';
import { runMigration, type MigrationLedger } from './core/migration.js';
import { notLoadedCount, summaryText, type MigrationReport } from './core/migration-report.js';
import { OrdinalLog } from './io/ordinal-log.js';
import { RecordPipeline, type PipelineOptions } from './core/record-pipeline.js';
import { InThreadProcessor } from './core/record-processor.js';
import { RecordWorkerPool } from './io/record-worker-pool.js';
import { loadSchemaValidators } from './io/schema-validator.js';
import { countRecords } from './io/sources/count-lines.js';
import { resolveInputs } from './io/sources/input-paths.js';
import { sourceForInputs } from './io/sources/open-inputs.js';
import { freezeHookFromEnv } from './io/test-freeze.js';
import { DeferredFileSpool } from './io/deferred-spool.js';

/** The profile identity a live run acts as: its certificate carries the role the chaincode lets batch-create. */
export const MIGRATOR_IDENTITY = 'migrator';

export const run: CommandRunner = async (argv) => {
  // `migrate verify` is the audit of a migration: its own command, loaded only when it runs.
  if (argv[0] === 'verify') return (await import('./verify-cli.js')).run(argv.slice(1));
  const read = readCommandConfig('fhirledger migrate', MIGRATE_SPEC, argv, (args) =>
    loadMigrateConfig(args, process.env),
  );
  if (!('config' in read)) return read.exitCode;
  const { config } = read;
  const log = pino({ name: 'migrate', level: config.logLevel }, pino.destination(2));
  try {
    makeOutputFolders(config);
    const report = await migrate(config, log);
    process.stdout.write(summaryText(report));
    writeReport(config.reportFile, report);
    process.stdout.write(`  report: ${config.reportFile}\n`);
    if (report.error !== undefined) {
      process.stderr.write(`fhirledger migrate: ${report.error.code}: ${report.error.message}\n`);
    }
    // The ledger went away mid-run: the condition `migrate` meets at start as LedgerUnavailableError, same code.
    if (report.error?.code === 'LEDGER_UNAVAILABLE') return ExitCode.USAGE;
    if (report.status !== 'finished') return ExitCode.FAILURE;
    return notLoadedCount(report) > 0 ? ExitCode.FINISHED_WITH_FINDINGS : ExitCode.OK;
  } catch (error) {
    if (
      error instanceof LedgerUnavailableError ||
      error instanceof CheckpointMismatchError ||
      error instanceof CheckpointExistsError ||
      error instanceof InputNotFoundError
    ) {
      process.stderr.write(`fhirledger migrate: ${error.code}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof MigratorError) {
      process.stderr.write(`fhirledger migrate: ${error.code}: ${error.message}\n`);
      return ExitCode.FAILURE;
    }
    throw error;
  }
};

/** The folders of the files this run writes (by default runs/migrate/), made before anything is written there. */
function makeOutputFolders(config: Readonly<MigrateConfig>): void {
  const files = [config.reportFile, config.deadLetterFile, config.fixLogFile, config.checkpointFile];
  for (const file of files) {
    if (file === undefined) continue;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new OutputWriteError(file, 'folder for', error);
    }
  }
}

function writeReport(file: string, report: MigrationReport): void {
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new OutputWriteError(file, 'report', error);
  }
}

async function migrate(config: Readonly<MigrateConfig>, log: pino.Logger): Promise<MigrationReport> {
  log.info(
    { config: { ...config, connection: config.connection === undefined ? undefined : '(set)' } },
    'migrate config',
  );
  const inputs = resolveInputs(config.inputs);
  const store = new CheckpointStore(config.checkpointFile);
  const identity = migrationIdentity(inputs, outcomeOptions(config));
  const fingerprint = fingerprintOf(identity);
  let resumeFrom;
  if (!config.dryRun) {
    if (config.resume && store.exists()) {
      resumeFrom = store.readForResume(fingerprint, (saved) =>
        resumesAfterCompletedInput(saved.identity, saved.stoppedOnInput, identity),
      );
    } else if (store.exists()) throw new CheckpointExistsError(config.checkpointFile);
  }
  // The ledger comes first: a run that cannot load anything should say so before reading any input.
  const session: LedgerSession | undefined = config.dryRun
    ? undefined
    : openLedgerSession(
        config.connection,
        'give --connection FILE (or FHIRLEDGER_CONNECTION), or use --dry-run to validate and clean without loading',
      );
  let ledger: MigrationLedger | undefined;
  try {
    ledger = session === undefined ? undefined : ledgerForNamedIdentity(session, MIGRATOR_IDENTITY);
  } catch (error) {
    session?.close();
    throw error;
  }
  const validators = loadSchemaValidators();
  log.info(
    { cached: validators.origin.cached, ms: Math.round(validators.origin.millis) },
    'FHIR R4 validators ready',
  );
  const pipeline = new RecordPipeline(
    new FhirTypeIndex(loadFhirSchema()),
    validators,
    pipelineOptions(config),
  );
  const isTty = process.stderr.isTTY;
  const counted = isTty ? await countRecords(inputs) : undefined;
  const progress = new ProgressDisplay({
    label: 'migrate',
    unit: 'records',
    total: counted,
    output: process.stderr,
  });
  const stop = new AbortController();
  const onSigint = () => {
    log.warn('interrupted: finishing batches in flight, then writing the checkpoint');
    stop.abort();
  };
  process.once('SIGINT', onSigint);
  let seen = 0;
  const onMilestone = freezeHookFromEnv(process.env);
  // The records submitted after the referenced types wait here, beside the checkpoint (one read of the input).
  const deferredSpool =
    ledger === undefined
      ? undefined
      : new DeferredFileSpool(`${config.checkpointFile}.deferred.ndjson`, resumeFrom?.deferred);
  // Workers start last: nothing between here and `finally` may leave them running.
  const processor =
    config.workers > 0
      ? new RecordWorkerPool(config.workers, pipelineOptions(config))
      : new InThreadProcessor(pipeline);
  try {
    const report = await runMigration(
      {
        source: sourceForInputs(
          inputs,
          {
            resourceTypes: config.serverTypes,
            pageSize: config.serverPageSize,
            bulkExport: config.bulkExport,
            requestTimeoutMs: config.requestTimeoutMs,
            pollIntervalMs: 2000,
            exportTimeoutMs: 30 * 60_000,
          },
          config.maxRecordBytes,
        ),
        pipeline,
        processor,
        ...(ledger === undefined ? {} : { ledger }),
        ...(deferredSpool === undefined ? {} : { deferredSpool }),
        deadLetter: new OrdinalLog(config.deadLetterFile, resumeFrom?.deadLetter, 'dead letter'),
        fixLog: new OrdinalLog(
          config.fixLogFile,
          config.fixLogFile === undefined ? undefined : resumeFrom?.fixLog,
          'fix log',
        ),
        ...(config.dryRun
          ? {}
          : {
              checkpoint: {
                store,
                fingerprint,
                identity,
                ...(resumeFrom === undefined ? {} : { resumeFrom }),
              },
            }),
        sleep: (ms) => sleep(ms),
        now: () => Date.now(),
        stop: stop.signal,
        onProgress: (count) => {
          seen = count;
          progress.update(count);
        },
        ...(onMilestone === undefined ? {} : { onMilestone }),
        log,
      },
      {
        inputs: inputs.map((input) => input.name),
        batchSize: config.batchSize,
        maxBatchBytes: config.maxBatchBytes,
        concurrency: config.concurrency,
        retry: DEFAULT_LEDGER_RETRY,
        maxRecordBytes: config.maxRecordBytes,
      },
    );
    // A resume may still need the set-aside records; a finished run does not.
    if (report.status === 'finished') deferredSpool?.remove();
    return report;
  } finally {
    progress.finish(seen);
    process.removeListener('SIGINT', onSigint);
    await processor.close();
    session?.close();
  }
}

function pipelineOptions(config: MigrateConfig): PipelineOptions {
  return {
    maxRecordBytes: config.maxRecordBytes,
    assignIds: config.assignIds,
    dateOrder: config.dateOrder,
    defaultZone: config.defaultZone,
  };
}
