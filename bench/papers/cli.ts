/**
 * `fhirledger bench papers`: flags → PapersConfig → runPapers. Exit 0 when every acknowledged write of both k6 runs
 * is on the ledger (the SLOs are reported, not enforced: a paper's load on 2 cores is expected to breach some), 1
 * when the audit found a loss, 2 for usage errors.
 */
import path from 'node:path';
import {
  ExitCode,
  helpText,
  intFlag,
  parseCommandArgs,
  stringFlag,
  UsageError,
  type CommandSpec,
} from '../../common/cli-args.js';
import { defaultDevnetHome } from '../../common/devnet-location.js';
import type { ProfileName } from '../../network/node/network-up.js';
import { checkK6, ensureK6 } from '../../toolchain/k6.js';
import { PAPER_002_RATES, PAPER_002_TRANSACTIONS } from '../caliper/rounds.js';
import type { PapersConfig } from './papers-run.js';

export const PAPERS_SPEC: CommandSpec = {
  usage:
    'fhirledger bench papers [--home DIR] [--paper-home DIR] [--port-offset N] [--ramp-profile dev|paper]\n' +
    '  [--table3-profile dev|paper] [--vus-max N] [--transactions N] [--rates LIST] [--out DIR]',
  summary:
    "Reproduces both papers on local stacks (brought up if needed): paper 002's Table 3 rounds with k6 and with\n" +
    "Hyperledger Caliper 0.6 on the paper profile (a paper stack started here is stopped after), then paper 000's\n" +
    '10 → 2000 user ramp with k6 on the dev profile. Writes results/<date>-papers/ and the summary page\n' +
    'results/README.md; raw k6 points stay in runs/bench-papers/. Takes about 35 minutes (each k6 round drains for its request timeout).',
  flags: {
    home: {
      type: 'string',
      valueName: 'DIR',
      description: 'the dev stack home (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME)',
    },
    'paper-home': {
      type: 'string',
      valueName: 'DIR',
      description: 'the paper stack home (default .fhirledger/paper)',
    },
    'ramp-profile': {
      type: 'string',
      valueName: 'NAME',
      default: 'dev',
      description:
        "profile of paper 000's ramp (default dev: the paper profile cannot carry 2000 VUs on 2 cores)",
    },
    'table3-profile': {
      type: 'string',
      valueName: 'NAME',
      default: 'paper',
      description:
        "profile of paper 002's Table 3, k6 and Caliper (default paper: 3 orgs × 2 peers, 3 Raft orderers)",
    },
    'port-offset': { type: 'string', valueName: 'N', description: 'port offset of a new stack (default 0)' },
    'vus-max': {
      type: 'string',
      valueName: 'N',
      default: '2000',
      description: 'peak VUs of the ramp (default 2000)',
    },
    transactions: {
      type: 'string',
      valueName: 'N',
      default: String(PAPER_002_TRANSACTIONS),
      description: `transactions per round (default ${PAPER_002_TRANSACTIONS})`,
    },
    rates: {
      type: 'string',
      valueName: 'LIST',
      default: PAPER_002_RATES.join(','),
      description: `send rates in TPS (default ${PAPER_002_RATES.join(',')})`,
    },
    providers: {
      type: 'string',
      valueName: 'N',
      default: '50',
      description: 'providers the VUs act as (default 50)',
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      default: 'results',
      description: 'results root (default results)',
    },
    runs: {
      type: 'string',
      valueName: 'DIR',
      default: 'runs/bench-papers',
      description: 'where the raw runs go (default runs/bench-papers, git-ignored)',
    },
  },
};

export function parsePapersArgs(argv: readonly string[]): PapersConfig | 'help' {
  const args = parseCommandArgs(PAPERS_SPEC, argv);
  if (args.help) return 'help';
  const rates = (stringFlag(args.values, 'rates') ?? '').split(',').map((text) => {
    const rate = Number(text);
    if (!Number.isInteger(rate) || rate < 1 || rate > 10_000)
      throw new UsageError(`--rates entry "${text}" is not a whole number of TPS from 1 to 10000`);
    return rate;
  });
  return {
    home: stringFlag(args.values, 'home') ?? defaultDevnetHome(),
    paperHome: stringFlag(args.values, 'paper-home') ?? path.join(process.cwd(), '.fhirledger', 'paper'),
    rampProfile: profileFlag(stringFlag(args.values, 'ramp-profile'), '--ramp-profile'),
    table3Profile: profileFlag(stringFlag(args.values, 'table3-profile'), '--table3-profile'),
    portOffset:
      args.values['port-offset'] === undefined
        ? undefined
        : intFlag(args.values, 'port-offset', -6000, 50000),
    resultsRoot: stringFlag(args.values, 'out') ?? 'results',
    runsRoot: stringFlag(args.values, 'runs') ?? 'runs/bench-papers',
    vusMax: intFlag(args.values, 'vus-max', 1, 100_000),
    transactions: intFlag(args.values, 'transactions', 1, 1_000_000),
    rates,
    providers: intFlag(args.values, 'providers', 1, 10_000),
  };
}

function profileFlag(value: string | undefined, flag: string): ProfileName {
  if (value !== 'dev' && value !== 'paper')
    throw new UsageError(`${flag} "${value ?? ''}": expected dev or paper`);
  return value;
}

export async function runPapersCommand(argv: readonly string[]): Promise<number> {
  let config: PapersConfig | 'help';
  try {
    config = parsePapersArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${helpText(PAPERS_SPEC)}`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(helpText(PAPERS_SPEC));
    return ExitCode.OK;
  }
  const k6Binary = await ensureK6({ log: (line) => process.stderr.write(`${line}\n`) });
  const k6Version = await checkK6(k6Binary, process.env, 'k6');
  // Loaded after the flags are read: fabric-ca-client's config reads process.argv when imported (see caliper/cli.ts).
  const { runPapers } = await import('./papers-run.js');
  const result = await runPapers(config, {
    k6Binary,
    k6Version,
    stdout: process.stdout,
    log: process.stderr,
  });
  process.stdout.write(
    `papers: ${result.folder}${result.ok ? '' : ' — acknowledged writes missing, see the page'}\n`,
  );
  return result.ok ? ExitCode.OK : ExitCode.FAILURE;
}
