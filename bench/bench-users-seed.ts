/**
 * `fhirledger bench users-seed`: users/s of `fhirledger users seed` — the real command, in its own process — against a
 * fresh fabric-devnet per concurrency level, with the CPU the CA process spent beside the command's own; then a
 * re-run of the same counts (every user kept), and a baseline: fabric-ca-client's own enrolment path (key and CSR
 * made by the SDK in pure JS) timed on a small sample, the per-user cost `users seed` avoids.
 *
 *   node dist/bench/bench-users-seed.js [--users N] [--concurrency 4,8,16] [--baseline-users N] [--port-offset P]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ExitCode,
  helpText,
  intFlag,
  intListFlag,
  parseCommandArgs,
  UsageError,
  type CommandSpec,
} from '../common/cli-args.js';
import { BenchDevnet, DevnetHarnessError } from './devnet-harness.js';
import { createRunFolder, writeRunJson } from './run-folder.js';

const SPEC: CommandSpec = {
  usage: 'node dist/bench/bench-users-seed.js [options]',
  summary:
    'users seed users/s against a fresh devnet per concurrency level; writes results/<date>-users-seed/.',
  flags: {
    users: { type: 'string', valueName: 'N', default: '2000', description: 'users per level (default 2000)' },
    concurrency: {
      type: 'string',
      valueName: 'LIST',
      default: '4,8,16',
      description: '--concurrency of users seed, one devnet each (default 4,8,16)',
    },
    'baseline-users': {
      type: 'string',
      valueName: 'N',
      default: '30',
      description: "users enrolled through fabric-ca-client's own key/CSR path (default 30; 0 = none)",
    },
    'port-offset': {
      type: 'string',
      valueName: 'P',
      default: '32500',
      description: 'devnet port offset (default 32500)',
    },
    results: {
      type: 'string',
      valueName: 'DIR',
      default: 'results',
      description: 'results root (default results)',
    },
  },
};

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const CA_NODE = 'ca.org1.example.com';
const SEED_DEADLINE_MS = 600_000;
const PASSWORD = 'bench-users-seed-pw';

interface Config {
  users: number;
  concurrency: number[];
  baselineUsers: number;
  portOffset: number;
  results: string;
}

interface SeedSummary {
  added: number;
  kept: number;
  rejected: number;
  seconds: number;
  usersPerSecond: number | null;
  cpuSeconds: number;
  hashSeconds: number;
  enrollSeconds: number;
  storeSeconds: number;
}

interface LevelResult {
  concurrency: number;
  split: { providers: number; patients: number; regulators: number };
  seed: SeedSummary;
  /** CPU seconds of the CA process during the seed run. */
  caCpuSeconds: number;
  rerun: Pick<SeedSummary, 'added' | 'kept' | 'seconds'>;
  loadAverage: number[];
}

function readConfig(argv: readonly string[]): Config | 'help' {
  const args = parseCommandArgs(SPEC, argv);
  if (args.help) return 'help';
  const concurrency = intListFlag(args.values, 'concurrency', 1, 64);
  return Object.freeze({
    users: intFlag(args.values, 'users', 3, 100_000),
    concurrency,
    baselineUsers: intFlag(args.values, 'baseline-users', 0, 1000),
    portOffset: intFlag(args.values, 'port-offset', 0, 50_000),
    results: String(args.values.results),
  });
}

/** Half providers (the load tests' users), 5 % regulators, the rest patients. */
export function splitUsers(users: number): LevelResult['split'] {
  const providers = Math.ceil(users / 2);
  const regulators = Math.max(1, Math.floor(users / 20));
  return { providers, patients: users - providers - regulators, regulators };
}

function seedOnce(devnet: BenchDevnet, store: string, split: LevelResult['split'], concurrency: number) {
  const result = spawnSync(
    process.execPath,
    [
      CLI,
      'users',
      'seed',
      '--home',
      devnet.home,
      '--store',
      store,
      '--providers',
      String(split.providers),
      '--patients',
      String(split.patients),
      '--regulators',
      String(split.regulators),
      '--concurrency',
      String(concurrency),
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, FHIRLEDGER_USER_PASSWORD: PASSWORD },
      timeout: SEED_DEADLINE_MS,
    },
  );
  if (result.status !== 0)
    throw new DevnetHarnessError(`users seed exited ${String(result.status)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as SeedSummary;
}

async function oneLevel(config: Config, concurrency: number): Promise<LevelResult> {
  const devnet = new BenchDevnet(config.portOffset, undefined);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-bench-seed-'));
  try {
    devnet.up();
    const store = path.join(work, 'credentials.json');
    const split = splitUsers(config.users);
    const caBefore = devnet.cpuSeconds()[CA_NODE] ?? 0;
    const seed = seedOnce(devnet, store, split, concurrency);
    const caCpuSeconds = round((devnet.cpuSeconds()[CA_NODE] ?? 0) - caBefore);
    const again = seedOnce(devnet, store, split, concurrency);
    const result = {
      concurrency,
      split,
      seed,
      caCpuSeconds,
      rerun: { added: again.added, kept: again.kept, seconds: again.seconds },
      loadAverage: os.loadavg().map(round),
    };
    process.stderr.write(`bench users-seed: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await devnet.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

/** ms per user of fabric-ca-client's own enroll (no csr: the SDK makes key and CSR with jsrsasign). */
async function baseline(config: Config): Promise<{ users: number; msPerUser: number } | null> {
  if (config.baselineUsers === 0) return null;
  const devnet = new BenchDevnet(config.portOffset, undefined);
  try {
    devnet.up();
    // Loaded only here: fabric-common answers --help itself (yargs, when imported) and exits.
    const [{ default: FabricCAServices }, { caTargetFromDevnet }, { CaSession }] = await Promise.all([
      import('fabric-ca-client'),
      import('../gateway/seed-ca-enroller.js'),
      import('../network/node/ca-client.js'),
    ]);
    const target = caTargetFromDevnet(devnet.home);
    const session = new CaSession(target, target.registrar);
    const ids = Array.from({ length: config.baselineUsers }, (_, n) => `baseline${n + 1}`);
    for (const id of ids)
      await session.registerIfAbsent({
        id,
        secret: PASSWORD,
        type: 'client',
        attributes: { role: 'provider' },
      });
    const sdk = new FabricCAServices(target.url, {
      trustedRoots: [target.tlsRootCertPem],
      verify: true,
    });
    const started = performance.now();
    for (const id of ids) await sdk.enroll({ enrollmentID: id, enrollmentSecret: PASSWORD });
    return { users: ids.length, msPerUser: round((performance.now() - started) / ids.length) };
  } finally {
    await devnet.destroy();
  }
}

function readme(config: Config, levels: readonly LevelResult[], sdk: Awaited<ReturnType<typeof baseline>>) {
  const rows = levels.map(
    (level) =>
      `| ${level.concurrency} | ${level.seed.added} | ${level.seed.seconds} | **${String(level.seed.usersPerSecond)}** | ` +
      `${level.seed.cpuSeconds} | ${level.caCpuSeconds} | ${level.rerun.kept} kept in ${level.rerun.seconds} s | ` +
      `${level.loadAverage.join(' ')} |`,
  );
  return [
    `# users seed, ${config.users} users per level`,
    '',
    '| concurrency | added | seconds | users/s | command CPU s | CA CPU s | re-run | load avg |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    sdk === null
      ? ''
      : `fabric-ca-client's own enrolment (SDK key + CSR in pure JS), sequential: ${sdk.msPerUser} ms per user ` +
        `(${sdk.users} users), i.e. ${round((sdk.msPerUser * config.users) / 1000)} s for ${config.users} before any register.`,
  ].join('\n');
}

export async function run(args: readonly string[]): Promise<void> {
  let config: Config | 'help';
  try {
    config = readConfig(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${helpText(SPEC)}`);
    process.exitCode = ExitCode.USAGE;
    return;
  }
  if (config === 'help') {
    process.stdout.write(helpText(SPEC));
    return;
  }
  process.stderr.write(`bench users-seed: ${JSON.stringify(config)}\n`);
  const levels: LevelResult[] = [];
  for (const concurrency of config.concurrency) levels.push(await oneLevel(config, concurrency));
  const sdk = await baseline(config);
  const folder = createRunFolder('users-seed', config.results);
  const command = `node dist/bench/bench-users-seed.js ${args.join(' ')}`.trim();
  writeRunJson(folder, 'users-seed', { ...config, command }, { levels, sdkBaseline: sdk });
  writeFileSync(path.join(folder, 'README.md'), `${readme(config, levels, sdk)}\n`);
  process.stdout.write(`${JSON.stringify({ folder, levels, sdkBaseline: sdk }, null, 2)}\n`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

// Run directly as a script too, as the results pages' commands do.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `bench users-seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = ExitCode.FAILURE;
  });
}
