/**
 * `fhirledger migrate verify` flags → one frozen, validated config. The flags that decide which records a migration
 * accepts are migrate's own (same names, defaults and validation, through `loadMigrateConfig`), so an audit given
 * the flags of the run it checks derives the same expected set.
 */
import path from 'node:path';
import type { CommandSpec, ParsedArgs } from '../common/cli-args.js';
import {
  loadSettings,
  nonEmpty,
  settingFlags,
  wholeNumber,
  type SettingsTable,
} from '../common/config-table.js';
import { defaultRunFolder } from '../common/run-folders.js';
import { loadMigrateConfig, MIGRATE_SPEC, type MigrateConfig } from './migrate-config.js';

/** migrate's flags that the audit takes over unchanged. */
const SHARED_FLAGS = [
  'input',
  'connection',
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

/** The audit's own settings: flags, else FHIRLEDGER_VERIFY_<FLAG>, else defaults (common/config-table.ts). */
const VERIFY_SETTINGS: SettingsTable<{ report: string | undefined; timeoutMs: number }> = {
  envPrefix: 'FHIRLEDGER_VERIFY_',
  settings: [
    {
      key: 'report',
      flag: 'report',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'JSON report (default runs/migrate/verify-report.json)',
    },
    {
      key: 'timeoutMs',
      flag: 'timeout-ms',
      default: '600000',
      parse: wholeNumber(1000, 24 * 3600_000),
      valueName: 'MS',
      description: 'deadline for reading the blocks up to the height the chain had when the audit started',
    },
  ],
};

export const VERIFY_SPEC: CommandSpec = {
  usage: 'fhirledger migrate verify --input PATH... [--report FILE] [--connection FILE] [options]',
  summary:
    'Audits the ledger against the input: re-reads the input as a migration would, reads every block of the channel up to its height at the start (qscc GetChainInfo), and checks that the ledger holds exactly the accepted records with their content hashes. Give the flags that change acceptance (--assign-ids, --on-conflict, --date-order, --default-zone, --max-record-bytes) as given to migrate. Exit 0 only when they match.',
  flags: {
    ...Object.fromEntries(
      SHARED_FLAGS.map((name) => {
        const flag = MIGRATE_SPEC.flags[name];
        if (flag === undefined) throw new Error(`migrate has no --${name} flag`);
        return [name, flag];
      }),
    ),
    ...settingFlags(VERIFY_SETTINGS),
  },
};

export interface VerifyConfig {
  /** The migrate config the expected set is derived with (its ledger-only fields are unused). */
  migrate: Readonly<MigrateConfig>;
  reportFile: string;
  timeoutMs: number;
}

export function loadVerifyConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): Readonly<VerifyConfig> {
  const own = loadSettings(VERIFY_SETTINGS, args.values, env);
  const reportFile = own.report ?? path.join(defaultRunFolder('migrate'), 'verify-report.json');
  // The audit's report is its own (never migrate's report setting); the migrate config only derives the expected set.
  const migrate = loadMigrateConfig(
    { ...args, values: { ...args.values, report: reportFile, 'dry-run': true } },
    env,
  );
  return Object.freeze({ migrate, reportFile, timeoutMs: own.timeoutMs });
}
