/**
 * `fhirledger migrate` flags → one frozen, validated config. Flags beat environment variables beat defaults: the
 * valued settings are on the shared config table (migrate-settings.ts), the switches and --input are plain flags.
 */
import path from 'node:path';
import { localDevnetProfile } from '../common/devnet-location.js';
import { UsageError, type CommandSpec, type ParsedArgs } from '../common/cli-args.js';
import { loadSettings, settingFlags } from '../common/config-table.js';
import type { DateOrder } from './core/fhir-dates.js';
import { MIGRATE_SETTINGS } from './migrate-settings.js';
import { defaultWorkerCount } from './io/record-worker-pool.js';
import { defaultRunFolder } from '../common/run-folders.js';

export const MIGRATE_SPEC: CommandSpec = {
  usage:
    'fhirledger migrate --input PATH... [options]\n       fhirledger migrate verify --input PATH... [options]   (audit the ledger against the input; verify --help)',
  summary:
    'Streams FHIR R4 records from NDJSON (.gz), Bundles or a FHIR server through validation and cleaning into the ledger, in parallel resumable batches; every record not loaded goes to the dead letter.',
  flags: {
    input: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'NDJSON/Bundle file, folder, glob or FHIR server URL (repeatable)',
    },
    'dry-run': { type: 'boolean', description: 'do everything except submitting to the ledger' },
    resume: { type: 'boolean', description: 'continue the migration recorded in the checkpoint' },
    'assign-ids': {
      type: 'boolean',
      description: 'give records without an id one derived from their content hash',
    },
    'bulk-export': {
      type: 'boolean',
      description: 'read a FHIR server through Bulk Data $export instead of search',
    },
    ...settingFlags(MIGRATE_SETTINGS),
  },
};

export interface MigrateConfig {
  inputs: readonly string[];
  dryRun: boolean;
  resume: boolean;
  batchSize: number;
  maxBatchBytes: number;
  concurrency: number;
  /** Worker threads for the record pipeline; 0 runs it on the main thread. */
  workers: number;
  maxRecordBytes: number;
  onConflict: 'reject';
  dateOrder: DateOrder | undefined;
  defaultZone: string;
  assignIds: boolean;
  deadLetterFile: string;
  fixLogFile: string | undefined;
  reportFile: string;
  checkpointFile: string;
  connection: string | undefined;
  serverTypes: readonly string[];
  serverPageSize: number;
  bulkExport: boolean;
  requestTimeoutMs: number;
  logLevel: string;
}

export { LAST_WINS_REFUSED } from './migrate-settings.js';

export function loadMigrateConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): Readonly<MigrateConfig> {
  const v = args.values;
  const inputs = (v.input as string[] | undefined) ?? [];
  if (inputs.length === 0)
    throw new UsageError('--input is required (a file, folder, glob or FHIR server URL)');
  const settings = loadSettings(MIGRATE_SETTINGS, v, env);
  const dryRun = v['dry-run'] === true;
  const liveReport = settings.report ?? path.join(defaultRunFolder('migrate'), 'migrate-report.json');
  const base = path.join(path.dirname(liveReport), path.basename(liveReport, '.json'));
  // A dry run must never overwrite the report or dead letter of a live run it may be checking before --resume: by
  // default both get `.dry-run` in their name. A report the user names is written where they say.
  const reportFile = dryRun && settings.report === undefined ? `${base}.dry-run.json` : liveReport;
  return Object.freeze({
    inputs,
    dryRun,
    resume: v.resume === true,
    batchSize: settings.batchSize,
    maxBatchBytes: settings.maxBatchBytes,
    concurrency: settings.concurrency,
    workers: settings.workers ?? defaultWorkerCount(),
    maxRecordBytes: settings.maxRecordBytes,
    onConflict: settings.onConflict,
    dateOrder: settings.dateOrder,
    defaultZone: settings.defaultZone,
    assignIds: v['assign-ids'] === true,
    deadLetterFile: settings.deadLetter ?? `${base}${dryRun ? '.dry-run' : ''}.dead-letter.ndjson`,
    fixLogFile: settings.fixLog,
    reportFile,
    checkpointFile: settings.checkpoint ?? `${base}.checkpoint.json`,
    connection: settings.connection ?? localDevnetProfile(env),
    serverTypes: settings.serverTypes,
    serverPageSize: settings.serverPageSize,
    bulkExport: v['bulk-export'] === true,
    requestTimeoutMs: settings.requestTimeoutMs,
    logLevel: settings.logLevel,
  });
}

/** The options that change what a record becomes; part of the resume fingerprint. */
export function outcomeOptions(config: MigrateConfig): object {
  return {
    maxRecordBytes: config.maxRecordBytes,
    onConflict: config.onConflict,
    dateOrder: config.dateOrder ?? null,
    defaultZone: config.defaultZone,
    assignIds: config.assignIds,
    serverTypes: config.serverTypes,
    bulkExport: config.bulkExport,
  };
}
