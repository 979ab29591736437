/**
 * `fhirledger bench caliper`: Hyperledger Caliper 0.6 (peer-gateway connector) against a running devnet, the EHR
 * chaincode in fixed-rate rounds; prints the figures per round as JSON on stdout and exits 3 when any round had a
 * failed, missing or unfinished transaction (Caliper itself exits 0 whatever happened).
 */
import { defaultHome } from '../../network/node/devnet-home.js';
import { NetworkError } from '../../network/node/network-error.js';
import {
  ExitCode,
  intFlag,
  parseCommandArgs,
  readCommandConfig,
  stringFlag,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../../common/cli-args.js';
import type { CaliperRunConfig } from './caliper-run.js';
import {
  CALIPER_OPS,
  isCaliperOp,
  PAPER_002_RATES,
  PAPER_002_TRANSACTIONS,
  roundGrid,
  type CaliperOp,
} from './rounds.js';

export const CALIPER_SPEC: CommandSpec = {
  usage:
    'fhirledger bench caliper [--home DIR] [--ops LIST] [--rates LIST] [--transactions N] [--workers N] [--batch-size N] [--pool N] [--out DIR]',
  summary:
    "Runs Hyperledger Caliper 0.6 against the devnet's EHR chaincode: every op at every rate, a fixed number of\n" +
    'transactions per round (default paper 002: open, query, transfer × 50, 150, 250 TPS × 1000). Caliper is\n' +
    'installed once into the tool cache. Writes results/<date>-caliper[-n]/ (workspace, report.html, caliper.log,\n' +
    'run.json); exit 3 when any round had failed or unfinished transactions.',
  flags: {
    home: {
      type: 'string',
      valueName: 'DIR',
      description: 'the devnet home (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME)',
    },
    ops: {
      type: 'string',
      valueName: 'LIST',
      default: CALIPER_OPS.join(','),
      description: 'open,query,transfer',
    },
    rates: {
      type: 'string',
      valueName: 'LIST',
      default: PAPER_002_RATES.join(','),
      description: 'send rates in TPS (default 50,150,250)',
    },
    transactions: {
      type: 'string',
      valueName: 'N',
      default: String(PAPER_002_TRANSACTIONS),
      description: 'transactions per round (default 1000)',
    },
    workers: {
      type: 'string',
      valueName: 'N',
      default: '1',
      description: 'Caliper worker processes (default 1)',
    },
    'batch-size': {
      type: 'string',
      valueName: 'N',
      default: '1',
      description: 'Patients per CreateRecords in open rounds (default 1)',
    },
    pool: {
      type: 'string',
      valueName: 'N',
      default: '500',
      description: 'Patients each worker creates for query/transfer (default 500)',
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      default: 'results',
      description: 'results root (default results)',
    },
  },
};

export function parseCaliperArgs(argv: readonly string[]): CaliperRunConfig | 'help' {
  const args = parseCommandArgs(CALIPER_SPEC, argv);
  return args.help ? 'help' : caliperConfig(args);
}

function caliperConfig(args: ParsedArgs): CaliperRunConfig {
  const ops = listFlag(args.values, 'ops').map((op): CaliperOp => {
    if (!isCaliperOp(op)) throw new UsageError(`--ops entry "${op}" is not one of ${CALIPER_OPS.join(', ')}`);
    return op;
  });
  const rates = listFlag(args.values, 'rates').map((text) => {
    const rate = Number(text);
    if (!Number.isInteger(rate) || rate < 1 || rate > 10_000) {
      throw new UsageError(`--rates entry "${text}" is not a whole number of TPS from 1 to 10000`);
    }
    return rate;
  });
  const transactions = intFlag(args.values, 'transactions', 1, 1_000_000);
  return {
    home: stringFlag(args.values, 'home') ?? defaultHome(),
    rounds: roundGrid(ops, rates, transactions),
    workers: intFlag(args.values, 'workers', 1, 64),
    batchSize: intFlag(args.values, 'batch-size', 1, 1000),
    poolSize: intFlag(args.values, 'pool', 1, 100_000),
    resultsRoot: stringFlag(args.values, 'out') ?? 'results',
  };
}

function listFlag(values: Record<string, unknown>, name: string): string[] {
  const raw = values[name];
  const items = (typeof raw === 'string' ? raw : '').split(',').map((item) => item.trim());
  if (items.some((item) => item === ''))
    throw new UsageError(`--${name} "${String(raw)}" has an empty entry`);
  return items;
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
  return result.verdict.ok ? ExitCode.OK : ExitCode.FINISHED_WITH_REJECTS;
}
