/**
 * `fhirledger migrate`'s valued settings on the shared config table (common/config-table.ts): each from its flag,
 * else FHIRLEDGER_MIGRATE_<FLAG>, else its default — as gateway and generate read theirs. The switches (--dry-run,
 * --resume, --assign-ids, --bulk-export) and the repeatable --input stay plain flags: a run's mode and inputs are
 * given on the command line, not inherited from the environment.
 */
import {
  ConfigError,
  LOG_LEVELS,
  nonEmpty,
  oneOf,
  wholeNumber,
  type Parser,
  type SettingsTable,
} from '../common/config-table.js';
import type { DateOrder } from './core/fhir-dates.js';

/**
 * Why `--on-conflict last-wins` is refused. Replacing a stored record takes UpdateRecord, which the chaincode's access
 * matrix gives providers only: the migrator identity may only CreateRecords, so a bulk-load credential can never
 * overwrite a record a clinician has since changed. Rather than a mode that fails after loading everything else,
 * or one that quietly keeps the first version, the flag is refused before anything is read.
 */
export const LAST_WINS_REFUSED =
  '--on-conflict last-wins is not supported: the migrator identity may only create records (CreateRecords), never replace one (UpdateRecord is for providers, see chaincode/README.md). Run with the default --on-conflict reject: every later conflicting version goes to the dead letter (R5) with its text, to be applied through the gateway as a provider if it should win';

const ZONE = /^(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$/;

export interface MigrateSettings {
  batchSize: number;
  maxBatchBytes: number;
  concurrency: number;
  /** Undefined: one per core up to 8, decided by the caller. */
  workers: number | undefined;
  maxRecordBytes: number;
  onConflict: 'reject';
  dateOrder: DateOrder | undefined;
  defaultZone: string;
  deadLetter: string | undefined;
  fixLog: string | undefined;
  report: string | undefined;
  checkpoint: string | undefined;
  connection: string | undefined;
  serverTypes: readonly string[];
  serverPageSize: number;
  requestTimeoutMs: number;
  logLevel: string;
}

const onConflict: Parser = (text, where) => {
  if (text === 'last-wins') throw new ConfigError(LAST_WINS_REFUSED);
  if (text !== 'reject') throw new ConfigError(`${where} "${text}" is not reject`);
  return text;
};

const dateOrder: Parser = (text, where) => {
  if (text !== 'dmy' && text !== 'mdy') throw new ConfigError(`${where} "${text}" is not dmy or mdy`);
  return text;
};

const zone: Parser = (text, where) => {
  if (!ZONE.test(text)) throw new ConfigError(`${where} "${text}" is not Z or ±hh:mm`);
  return text;
};

/** Comma-separated resource types; empty entries are skipped, as before the table. */
const typeList: Parser = (text) => text.split(',').filter((type) => type !== '');

export const MIGRATE_SETTINGS: SettingsTable<MigrateSettings> = {
  envPrefix: 'FHIRLEDGER_MIGRATE_',
  settings: [
    {
      key: 'batchSize',
      flag: 'batch-size',
      default: '200',
      parse: wholeNumber(1, 1000),
      valueName: 'N',
      description: 'records per CreateRecords call',
    },
    {
      key: 'maxBatchBytes',
      flag: 'max-batch-bytes',
      default: String(4 * 1024 * 1024),
      parse: wholeNumber(1024, 1 << 30),
      valueName: 'BYTES',
      description: 'bytes per batch at most',
    },
    {
      key: 'concurrency',
      flag: 'concurrency',
      default: '4',
      parse: wholeNumber(1, 64),
      valueName: 'N',
      description: 'batches in flight',
    },
    {
      key: 'workers',
      flag: 'workers',
      default: undefined,
      parse: wholeNumber(0, 64),
      valueName: 'N',
      description:
        'threads that parse, clean and validate (default: one per core up to 8; 0 = main thread only)',
    },
    {
      key: 'maxRecordBytes',
      flag: 'max-record-bytes',
      default: String(1024 * 1024),
      parse: wholeNumber(64, 1 << 30),
      valueName: 'BYTES',
      description: 'larger records are rejected, R6',
    },
    {
      key: 'onConflict',
      flag: 'on-conflict',
      default: 'reject',
      parse: onConflict,
      valueName: 'reject',
      description:
        'same type/id, different content: reject (R5, the later record goes to the dead letter); last-wins is refused',
    },
    {
      key: 'dateOrder',
      flag: 'date-order',
      default: undefined,
      parse: dateOrder,
      valueName: 'dmy|mdy',
      description: 'how to read NN/NN/YYYY dates (default: reject them)',
    },
    {
      key: 'defaultZone',
      flag: 'default-zone',
      default: 'Z',
      parse: zone,
      valueName: 'ZONE',
      description: 'zone for a time without one',
    },
    {
      key: 'deadLetter',
      flag: 'dead-letter',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'rejected records, NDJSON (default next to the report)',
    },
    {
      key: 'fixLog',
      flag: 'fix-log',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'fixes per record, NDJSON (default: not written)',
    },
    {
      key: 'report',
      flag: 'report',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description:
        'JSON report (default runs/migrate/migrate-report.json, a dry run migrate-report.dry-run.json)',
    },
    {
      key: 'checkpoint',
      flag: 'checkpoint',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'resume point (default next to the report)',
    },
    {
      key: 'connection',
      flag: 'connection',
      env: 'FHIRLEDGER_CONNECTION',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: "Fabric connection profile (default: the local devnet's, once `network up` ran here)",
    },
    {
      key: 'serverTypes',
      flag: 'server-types',
      default: 'Organization,Practitioner,Patient,Encounter,Observation,Condition',
      parse: typeList,
      valueName: 'LIST',
      description: 'resource types read from a FHIR server input',
    },
    {
      key: 'serverPageSize',
      flag: 'server-page-size',
      default: '100',
      parse: wholeNumber(1, 1000),
      valueName: 'N',
      description: 'search page size on a FHIR server',
    },
    {
      key: 'requestTimeoutMs',
      flag: 'request-timeout-ms',
      default: '30000',
      parse: wholeNumber(100, 600_000),
      valueName: 'MS',
      description: 'deadline of each FHIR server request',
    },
    {
      key: 'logLevel',
      flag: 'log-level',
      default: 'info',
      parse: oneOf(LOG_LEVELS),
      valueName: 'LEVEL',
      description: 'pino level on stderr',
    },
  ],
};
