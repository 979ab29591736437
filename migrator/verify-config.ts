/**
 * `fhirledger migrate verify` flags → one frozen, validated config. The flags that decide which records a migration
 * accepts are migrate's own (same names, defaults and validation, through `loadMigrateConfig`), so an audit given
 * the flags of the run it checks derives the same expected set.
 */
import path from 'node:path';
import { intFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../common/cli-args.js';
import { defaultRunFolder } from '../common/run-folders.js';
import { loadMigrateConfig, MIGRATE_SPEC, type MigrateConfig } from './migrate-config.js';

/** migrate's flags that the audit takes over unchanged. */
const SHARED_FLAGS = [
  'input',
  'connection',
  'report',
  'max-record-bytes',
  'on-conflict',
  'date-order',
  'default-zone',
  'assign-ids',
  'workers',
  'server-types',
  'server-page-size',
  'bulk-export',
  'request-timeout-ms',
  'log-level',
] as const;

export const VERIFY_SPEC: CommandSpec = {
  usage: 'fhirledger migrate verify --input PATH... [--report FILE] [--connection FILE] [options]',
  summary:
    'Audits the ledger against the input: re-reads the input as a migration would, reads every block of the channel, and checks that the ledger holds exactly the accepted records with their content hashes. Give the flags that change acceptance (--assign-ids, --on-conflict, --date-order, --default-zone, --max-record-bytes) as given to migrate. Exit 0 only when they match.',
  flags: {
    ...Object.fromEntries(
      SHARED_FLAGS.map((name) => {
        const flag = MIGRATE_SPEC.flags[name];
        if (flag === undefined) throw new Error(`migrate has no --${name} flag`);
        return [
          name,
          name === 'report'
            ? { ...flag, description: 'JSON report (default runs/migrate/verify-report.json)' }
            : flag,
        ];
      }),
    ),
    'quiet-ms': {
      type: 'string',
      default: '2000',
      valueName: 'MS',
      description: 'the chain is read to its end once no block arrives for this long (default 2000)',
    },
    'timeout-ms': {
      type: 'string',
      default: '600000',
      valueName: 'MS',
      description: 'deadline for reading the blocks (default 600000)',
    },
  },
};

export interface VerifyConfig {
  /** The migrate config the expected set is derived with (its ledger-only fields are unused). */
  migrate: Readonly<MigrateConfig>;
  reportFile: string;
  quietMs: number;
  timeoutMs: number;
}

export function loadVerifyConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): Readonly<VerifyConfig> {
  const defaults = Object.fromEntries(
    Object.entries(MIGRATE_SPEC.flags).map(([name, flag]) => [name, flag.default]),
  );
  const reportFile =
    stringFlag(args.values, 'report') ?? path.join(defaultRunFolder('migrate'), 'verify-report.json');
  const migrate = loadMigrateConfig(
    { ...args, values: { ...defaults, ...args.values, report: reportFile, 'dry-run': true } },
    env,
  );
  return Object.freeze({
    migrate,
    reportFile,
    quietMs: intFlag(args.values, 'quiet-ms', 100, 600_000),
    timeoutMs: intFlag(args.values, 'timeout-ms', 1000, 24 * 3600_000),
  });
}
