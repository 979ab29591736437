/**
 * `fhirledger bench caliper`: Hyperledger Caliper 0.6 (peer-gateway connector) against a running devnet, the EHR
 * chaincode in fixed-rate rounds; prints the figures per round as JSON on stdout and exits 3 when any round had a
 * failed, missing or unfinished transaction (Caliper itself exits 0 whatever happened).
 */
import { devnetHomeSetting } from '../../common/devnet-location.js';
import { defaultHome } from '../../network/node/devnet-home.js';
import { NetworkError } from '../../network/node/network-error.js';
import {
  ExitCode,
  parseCommandArgs,
  readCommandConfig,
  type CommandSpec,
  type ParsedArgs,
} from '../../common/cli-args.js';
import {
  listOf,
  loadSettings,
  nonEmpty,
  oneOf,
  settingFlags,
  wholeNumber,
  wholeNumberList,
  type SettingsTable,
} from '../../common/config-table.js';
import type { CaliperRunConfig } from './caliper-run.js';
import { CALIPER_OPS, PAPER_002_RATES, PAPER_002_TRANSACTIONS, roundGrid, type CaliperOp } from './rounds.js';

/** As read from flags, FHIRLEDGER_BENCH_CALIPER_* and defaults; the rounds are the grid of ops × rates. */
interface CaliperSettings {
  home: string | undefined;
  ops: CaliperOp[];
  rates: number[];
  transactions: number;
  workers: number;
  batchSize: number;
  poolSize: number;
  resultsRoot: string;
}

const CALIPER_SETTINGS: SettingsTable<CaliperSettings> = {
  envPrefix: 'FHIRLEDGER_BENCH_CALIPER_',
  settings: [
    devnetHomeSetting(),
    {
      key: 'ops',
      flag: 'ops',
      default: CALIPER_OPS.join(','),
      parse: listOf(oneOf(CALIPER_OPS)),
      valueName: 'LIST',
      description: 'operations, one round each per rate',
    },
    {
      key: 'rates',
      flag: 'rates',
      default: PAPER_002_RATES.join(','),
      parse: wholeNumberList(1, 10_000),
      valueName: 'LIST',
      description: 'send rates in TPS',
    },
    {
      key: 'transactions',
      flag: 'transactions',
      default: String(PAPER_002_TRANSACTIONS),
      parse: wholeNumber(1, 1_000_000),
      valueName: 'N',
      description: 'transactions per round',
    },
    {
      key: 'workers',
      flag: 'workers',
      default: '1',
      parse: wholeNumber(1, 64),
      valueName: 'N',
      description: 'Caliper worker processes',
    },
    {
      key: 'batchSize',
      flag: 'batch-size',
      default: '1',
      parse: wholeNumber(1, 1000),
      valueName: 'N',
      description: 'Patients per CreateRecords in open rounds',
    },
    {
      key: 'poolSize',
      flag: 'pool',
      default: '500',
      parse: wholeNumber(1, 100_000),
      valueName: 'N',
      description: 'Patients each worker creates for query/transfer',
    },
    {
      key: 'resultsRoot',
      flag: 'out',
      default: 'results',
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'results root',
    },
  ],
};

export const CALIPER_SPEC: CommandSpec = {
  usage:
    'fhirledger bench caliper [--home DIR] [--ops LIST] [--rates LIST] [--transactions N] [--workers N] [--batch-size N] [--pool N] [--out DIR]',
  summary:
    "Runs Hyperledger Caliper 0.6 against the devnet's EHR chaincode: every op at every rate, a fixed number of\n" +
    'transactions per round (default paper 002: open, query, transfer × 50, 150, 250 TPS × 1000). Caliper is\n' +
    'installed once into the tool cache. Writes results/<date>-caliper[-n]/ (workspace, report.html, caliper.log,\n' +
    'run.json); exit 3 when any round had failed or unfinished transactions.',
  flags: settingFlags(CALIPER_SETTINGS),
};

export function parseCaliperArgs(argv: readonly string[]): CaliperRunConfig | 'help' {
  const args = parseCommandArgs(CALIPER_SPEC, argv);
  return args.help ? 'help' : caliperConfig(args);
}

function caliperConfig(args: ParsedArgs): CaliperRunConfig {
  const { home, ops, rates, transactions, ...rest } = loadSettings(
    CALIPER_SETTINGS,
    args.values,
    process.env,
  );
  return Object.freeze({ ...rest, home: home ?? defaultHome(), rounds: roundGrid(ops, rates, transactions) });
}

export async function runCaliperCommand(argv: readonly string[]): Promise<number> {
  const read = readCommandConfig('fhirledger bench caliper', CALIPER_SPEC, argv, caliperConfig);
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;
  process.stderr.write(`config: ${JSON.stringify({ ...config, rounds: config.rounds.length })}\n`);
  // Loaded after the flags are read: fabric-ca-client's config reads process.argv with yargs when imported, and would
  // answer --help itself.
  const { runCaliper } = await import('./caliper-run.js');
  let result;
  try {
    result = await runCaliper(config, (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    // No devnet at --home is a state the user can fix (exit 2, as `network` says it), not a crash.
    if (!(error instanceof NetworkError)) throw error;
    process.stderr.write(`fhirledger bench caliper: ${error.code}: ${error.message}\n`);
    return error.exitCode;
  }
  process.stdout.write(
    `${JSON.stringify({ folder: result.folder, ok: result.verdict.ok, rounds: result.verdict.rounds }, null, 2)}\n`,
  );
  for (const problem of result.verdict.problems) process.stderr.write(`FAIL ${problem}\n`);
  for (const failure of result.failures.slice(0, 5)) {
    process.stderr.write(`  ${failure.count} × ${failure.call}: ${failure.reason}\n`);
  }
  return result.verdict.ok ? ExitCode.OK : ExitCode.FINISHED_WITH_FINDINGS;
}
