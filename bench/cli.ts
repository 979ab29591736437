/**
 * `fhirledger bench <experiment>`: runs one benchmark script in its own process (so its timings and peak RSS are its
 * own) with the output streamed through, and exits with the script's code.
 */
import { spawn } from 'node:child_process';
import type { CommandRunner } from '../cli/command.js';
import {
  ExitCode,
  numberFlag,
  parseCommandArgs,
  readCommandConfig,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../common/cli-args.js';
import { EXPERIMENT_PROCESS, EXPERIMENTS, findExperiment } from './experiments.js';

const SPEC: CommandSpec = {
  usage:
    'fhirledger bench <experiment> [--patients N | --gib G | --users N]\n       fhirledger bench devnet|caliper|papers [options]   (their own flags: fhirledger bench devnet --help)',
  summary:
    `Runs a benchmark and writes results/<date>-<experiment>/run.json. Experiments:\n${EXPERIMENTS.map(
      (experiment) => `  ${experiment.name.padEnd(18)} ${experiment.summary}`,
    ).join(
      '\n',
    )}\n  ${'caliper'.padEnd(18)} Hyperledger Caliper 0.6 against a devnet (own flags: fhirledger bench caliper --help)` +
    `\n  ${'papers'.padEnd(18)} both papers on the local stack: k6 ramp, Table 3 with k6 and Caliper (fhirledger bench papers --help)`,
  positionals: true,
  flags: {
    patients: { type: 'string', valueName: 'N', description: 'population size (generate, migrate-dry-run)' },
    gib: { type: 'string', valueName: 'G', description: 'Bundle size in GiB (bundle-stream)' },
    transactions: {
      type: 'string',
      valueName: 'N',
      description: 'transactions per concurrency level (devnet)',
    },
    users: { type: 'string', valueName: 'N', description: 'users per concurrency level (users-seed)' },
  },
};

export interface BenchInvocation {
  script: string;
  args: string[];
}

/** An experiment that reads its own flags (and answers its own --help) gets the rest of the command line as is. */
function ownFlagsInvocation(argv: readonly string[]): BenchInvocation | undefined {
  const [name, ...rest] = argv;
  const experiment = name === undefined ? undefined : findExperiment(name);
  if (experiment?.ownFlags !== true) return undefined;
  return { script: EXPERIMENT_PROCESS, args: [experiment.name, ...rest] };
}

export function parseBenchArgs(argv: readonly string[]): BenchInvocation | 'help' {
  const own = ownFlagsInvocation(argv);
  if (own !== undefined) return own;
  const args = parseCommandArgs(SPEC, argv);
  return args.help ? 'help' : benchInvocation(args);
}

function benchInvocation(args: ParsedArgs): BenchInvocation {
  const names = EXPERIMENTS.map((experiment) => experiment.name).join(', ');
  const [name, ...rest] = args.positionals;
  if (name === undefined) throw new UsageError(`missing experiment; expected one of ${names}`);
  const experiment = findExperiment(name);
  if (experiment === undefined)
    throw new UsageError(`unknown experiment "${name}"; expected one of ${names}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}" after the experiment`);
  for (const flag of ['patients', 'gib', 'transactions', 'users'] as const) {
    if (args.values[flag] !== undefined && flag !== experiment.size.flag) {
      throw new UsageError(`--${flag} does not apply to ${name}; it takes --${experiment.size.flag}`);
    }
  }
  const size = args.values[experiment.size.flag];
  const script = EXPERIMENT_PROCESS;
  if (size === undefined) return { script, args: [name] };
  const value =
    experiment.size.flag === 'gib'
      ? numberFlag(args.values, 'gib', 0.01, 64)
      : numberFlag(args.values, experiment.size.flag, 1, 10_000_000);
  if (experiment.size.flag !== 'gib' && !Number.isInteger(value)) {
    throw new UsageError(`--${experiment.size.flag} "${String(size)}" is not a whole number`);
  }
  return { script, args: [name, ...experiment.size.toArgs(String(value))] };
}

export const run: CommandRunner = async (argv) => {
  // Caliper drives a network rather than a local script, so it has its own flags.
  // Loaded only when asked for: it brings the Fabric CA client with it.
  if (argv[0] === 'caliper') return (await import('./caliper/cli.js')).runCaliperCommand(argv.slice(1));
  // The papers drive the whole local stack, k6 and Caliper, with flags of their own too.
  if (argv[0] === 'papers') return (await import('./papers/cli.js')).runPapersCommand(argv.slice(1));
  const own = ownFlagsInvocation(argv);
  const read =
    own === undefined ? readCommandConfig('fhirledger bench', SPEC, argv, benchInvocation) : { config: own };
  if ('exitCode' in read) return read.exitCode;
  const invocation = read.config;
  const { script, args } = invocation;
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      resolve(code ?? (signal === null ? ExitCode.FAILURE : 128));
    });
  });
};
