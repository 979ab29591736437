/**
 * `fhirledger migrate` flags → one frozen, validated config. Flags beat environment variables beat defaults.
 */
import path from 'node:path';
import { localDevnetProfile } from '../common/devnet-location.js';
import { intFlag, stringFlag, UsageError, type CommandSpec, type ParsedArgs } from '../common/cli-args.js';
import type { DateOrder } from './core/fhir-dates.js';
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
    'batch-size': {
      type: 'string',
      default: '200',
      valueName: 'N',
      description: 'records per CreateRecords call (default 200)',
    },
    'max-batch-bytes': {
      type: 'string',
      default: String(4 * 1024 * 1024),
      valueName: 'BYTES',
      description: 'bytes per batch at most (default 4 MiB)',
    },
    concurrency: {
      type: 'string',
      default: '4',
      valueName: 'N',
      description: 'batches in flight (default 4)',
    },
    workers: {
      type: 'string',
      valueName: 'N',
      description:
        'threads that parse, clean and validate (default: one per core up to 8; 0 = main thread only)',
    },
    'max-record-bytes': {
      type: 'string',
      default: String(1024 * 1024),
      valueName: 'BYTES',
      description: 'larger records are rejected, R6 (default 1 MiB)',
    },
    'on-conflict': {
      type: 'string',
      default: 'reject',
      valueName: 'reject',
      description:
        'same type/id, different content: reject (R5, the later record goes to the dead letter); last-wins is refused',
    },
    'date-order': {
      type: 'string',
      valueName: 'dmy|mdy',
      description: 'how to read NN/NN/YYYY dates (default: reject them)',
    },
    'default-zone': {
      type: 'string',
      default: 'Z',
      valueName: 'ZONE',
      description: 'zone for a time without one (default Z)',
    },
    'assign-ids': {
      type: 'boolean',
      description: 'give records without an id one derived from their content hash',
    },
    'dead-letter': {
      type: 'string',
      valueName: 'FILE',
      description: 'rejected records, NDJSON (default next to the report)',
    },
    'fix-log': {
      type: 'string',
      valueName: 'FILE',
      description: 'fixes per record, NDJSON (default: not written)',
    },
    report: {
      type: 'string',
      valueName: 'FILE',
      description:
        'JSON report (default runs/migrate/migrate-report.json, a dry run migrate-report.dry-run.json)',
    },
    checkpoint: {
      type: 'string',
      valueName: 'FILE',
      description: 'resume point (default next to the report)',
    },
    connection: {
      type: 'string',
      valueName: 'FILE',
      description:
        "Fabric connection profile (env FHIRLEDGER_CONNECTION; default: the local devnet's, once `network up` ran here)",
    },
    'server-types': {
      type: 'string',
      default: 'Organization,Practitioner,Patient,Encounter,Observation,Condition',
      valueName: 'LIST',
      description: 'resource types read from a FHIR server input',
    },
    'server-page-size': {
      type: 'string',
      default: '100',
      valueName: 'N',
      description: 'search page size on a FHIR server (default 100)',
    },
    'bulk-export': {
      type: 'boolean',
      description: 'read a FHIR server through Bulk Data $export instead of search',
    },
    'request-timeout-ms': {
      type: 'string',
      default: '30000',
      valueName: 'MS',
      description: 'deadline of each FHIR server request (default 30000)',
    },
    'log-level': {
      type: 'string',
      default: 'info',
      valueName: 'LEVEL',
      description: 'pino level on stderr (default info)',
    },
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

const ZONE = /^(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$/;

/**
 * Why `--on-conflict last-wins` is refused. Replacing a stored record takes UpdateRecord, which the chaincode's access
 * matrix gives providers only: the migrator identity may only CreateRecords, so a bulk-load credential can never
 * overwrite a record a clinician has since changed. Rather than a mode that fails after loading everything else,
 * or one that quietly keeps the first version, the flag is refused before anything is read.
 */
export const LAST_WINS_REFUSED =
  '--on-conflict last-wins is not supported: the migrator identity may only create records (CreateRecords), never replace one (UpdateRecord is for providers, see chaincode/README.md). Run with the default --on-conflict reject: every later conflicting version goes to the dead letter (R5) with its text, to be applied through the gateway as a provider if it should win';

export function loadMigrateConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): Readonly<MigrateConfig> {
  const v = args.values;
  const inputs = (v.input as string[] | undefined) ?? [];
  if (inputs.length === 0)
    throw new UsageError('--input is required (a file, folder, glob or FHIR server URL)');
  const onConflict = stringFlag(v, 'on-conflict');
  if (onConflict === 'last-wins') throw new UsageError(LAST_WINS_REFUSED);
  if (onConflict !== 'reject') throw new UsageError(`--on-conflict "${String(onConflict)}" is not reject`);
  const dateOrder = stringFlag(v, 'date-order');
  if (dateOrder !== undefined && dateOrder !== 'dmy' && dateOrder !== 'mdy') {
    throw new UsageError(`--date-order "${dateOrder}" is not dmy or mdy`);
  }
  const defaultZone = stringFlag(v, 'default-zone') ?? 'Z';
  if (!ZONE.test(defaultZone)) throw new UsageError(`--default-zone "${defaultZone}" is not Z or ±hh:mm`);
  const dryRun = v['dry-run'] === true;
  const givenReport = stringFlag(v, 'report');
  const liveReport = givenReport ?? path.join(defaultRunFolder('migrate'), 'migrate-report.json');
  const base = path.join(path.dirname(liveReport), path.basename(liveReport, '.json'));
  // A dry run must never overwrite the report or dead letter of a live run it may be checking before --resume: by
  // default both get `.dry-run` in their name. A report the user names is written where they say.
  const reportFile = dryRun && givenReport === undefined ? `${base}.dry-run.json` : liveReport;
  const logLevel = stringFlag(v, 'log-level') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new UsageError(
      `--log-level "${logLevel}" is not one of fatal, error, warn, info, debug, trace, silent`,
    );
  }
  return Object.freeze({
    inputs,
    dryRun,
    resume: v.resume === true,
    batchSize: intFlag(v, 'batch-size', 1, 1000),
    maxBatchBytes: intFlag(v, 'max-batch-bytes', 1024, 1 << 30),
    concurrency: intFlag(v, 'concurrency', 1, 64),
    workers: v.workers === undefined ? defaultWorkerCount() : intFlag(v, 'workers', 0, 64),
    maxRecordBytes: intFlag(v, 'max-record-bytes', 64, 1 << 30),
    onConflict,
    dateOrder,
    defaultZone,
    assignIds: v['assign-ids'] === true,
    deadLetterFile: stringFlag(v, 'dead-letter') ?? `${base}${dryRun ? '.dry-run' : ''}.dead-letter.ndjson`,
    fixLogFile: stringFlag(v, 'fix-log'),
    reportFile,
    checkpointFile: stringFlag(v, 'checkpoint') ?? `${base}.checkpoint.json`,
    connection: stringFlag(v, 'connection') ?? env.FHIRLEDGER_CONNECTION ?? localDevnetProfile(env),
    serverTypes: (stringFlag(v, 'server-types') ?? '').split(',').filter((type) => type !== ''),
    serverPageSize: intFlag(v, 'server-page-size', 1, 1000),
    bulkExport: v['bulk-export'] === true,
    requestTimeoutMs: intFlag(v, 'request-timeout-ms', 100, 600_000),
    logLevel,
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
