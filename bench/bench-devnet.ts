/**
 * `fhirledger bench devnet`: committed transactions per second and submit → commit-status latency of fabric-devnet
 * through the real @hyperledger/fabric-gateway client, with every signature check on, and the CPU split between the
 * devnet's processes and the client. Writes results/<date>-devnet/run.json and README.md.
 *
 *   node dist/bench/bench-devnet.js [--transactions N] [--runs R] [--concurrency 50,100,200] [--port-offset P]
 *                                    [--cpu-prof-dir DIR]
 *
 * Each run starts its own devnet in a temporary home (so runs do not share a warm ledger), deploys the test contract
 * (`shimtest.put`, blind 1 KB writes to fresh keys), and measures, for each concurrency, a fixed count of puts with
 * that many in flight; then `CreateRecords` of 100 Patients per transaction on the EHR chaincode as the profile's
 * `migrator`. Every loop is bounded by a count and a deadline.
 */
import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
  ExitCode,
  helpText,
  intFlag,
  parseCommandArgs,
  stringFlag,
  UsageError,
  type CommandSpec,
} from '../common/cli-args.js';
import { LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
import { BenchDevnet, REPO, type ClientSigner } from './devnet-harness.js';
import { createRunFolder, describeEnvironment, median, writeRunJson } from './run-folder.js';
import { summariseProfiles, type ProfileSummary } from './cpu-profile.js';

const SPEC: CommandSpec = {
  usage: 'node dist/bench/bench-devnet.js [options]',
  summary: 'fabric-devnet throughput and latency through @hyperledger/fabric-gateway',
  flags: {
    transactions: {
      type: 'string',
      valueName: 'N',
      default: '2000',
      description: '1 KB puts per concurrency level (default 2000)',
    },
    runs: {
      type: 'string',
      valueName: 'R',
      default: '3',
      description: 'devnets started, one after another (default 3)',
    },
    concurrency: {
      type: 'string',
      valueName: 'LIST',
      default: '50,100,200',
      description: 'puts in flight (default 50,100,200)',
    },
    'record-transactions': {
      type: 'string',
      valueName: 'N',
      default: '20',
      description: 'CreateRecords transactions (default 20)',
    },
    'client-signer': {
      type: 'string',
      valueName: 'S',
      default: 'noble',
      description:
        "the client's signer: noble (fabric-gateway's newPrivateKeySigner, default) or node-crypto",
    },
    profile: {
      type: 'string',
      valueName: 'NAME',
      default: 'dev',
      description:
        'network profile: dev (1 org, 1 orderer) or paper (3 orgs x 2 peers, MAJORITY, 3 Raft orderers)',
    },
    'port-offset': {
      type: 'string',
      valueName: 'P',
      default: '23000',
      description: 'devnet port offset (default 23000)',
    },
    'cpu-prof-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'profile every devnet process (node --cpu-prof) into DIR',
    },
    results: {
      type: 'string',
      valueName: 'DIR',
      default: 'results',
      description: 'results root (default results)',
    },
  },
};

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const PUT_BYTES = 1024;
const RECORDS_PER_TX = 100;
const RECORD_CONCURRENCY = 4;
const LEVEL_DEADLINE_MS = 120_000;
const WARMUP_TRANSACTIONS = 300;

interface Config {
  transactions: number;
  runs: number;
  concurrency: number[];
  recordTransactions: number;
  portOffset: number;
  profile: 'dev' | 'paper';
  clientSigner: ClientSigner;
  cpuProfDir: string | undefined;
  results: string;
}

interface Measurement {
  workload: string;
  concurrency: number;
  attempted: number;
  committed: number;
  failed: number;
  firstError: string | null;
  wallSeconds: number;
  committedPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** user+sys CPU seconds spent during the measurement by each process. */
  cpuSeconds: Record<string, number>;
  loadAverage: number[];
}

function readConfig(argv: readonly string[]): Config | 'help' {
  const args = parseCommandArgs(SPEC, argv);
  if (args.help) return 'help';
  const concurrency = String(args.values.concurrency)
    .split(',')
    .map((text) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < 1 || value > 2000)
        throw new UsageError(`--concurrency "${text}" is not a whole number from 1 to 2000`);
      return value;
    });
  return Object.freeze({
    transactions: intFlag(args.values, 'transactions', 1, 1_000_000),
    runs: intFlag(args.values, 'runs', 1, 20),
    concurrency,
    recordTransactions: intFlag(args.values, 'record-transactions', 0, 10_000),
    portOffset: intFlag(args.values, 'port-offset', 0, 50_000),
    profile: profileFlag(String(args.values.profile)),
    clientSigner: clientSignerFlag(String(args.values['client-signer'])),
    cpuProfDir: stringFlag(args.values, 'cpu-prof-dir'),
    results: String(args.values.results),
  });
}

function profileFlag(value: string): 'dev' | 'paper' {
  if (value !== 'dev' && value !== 'paper')
    throw new UsageError(`--profile "${value}" is not one of dev, paper`);
  return value;
}

function clientSignerFlag(value: string): ClientSigner {
  if (value !== 'noble' && value !== 'node-crypto')
    throw new UsageError(`--client-signer "${value}" is not one of noble, node-crypto`);
  return value;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Runs `count` transactions with at most `concurrency` in flight, each from submit to its commit status; stops
 * starting new ones at the deadline.
 */
async function measure(
  workload: string,
  devnet: BenchDevnet,
  count: number,
  concurrency: number,
  transaction: (index: number) => Promise<void>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const cpuBefore = devnet.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + LEVEL_DEADLINE_MS;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      try {
        await transaction(index);
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = devnet.cpuSeconds();
  const client = process.cpuUsage(clientBefore);
  const cpuSeconds: Record<string, number> = {};
  for (const [name, after] of Object.entries(cpuAfter))
    cpuSeconds[name] = round(after - (cpuBefore[name] ?? 0), 2);
  cpuSeconds.client = round((client.user + client.system) / 1e6, 2);
  latencies.sort((a, b) => a - b);
  return {
    workload,
    concurrency,
    attempted: next,
    committed: latencies.length,
    failed,
    firstError,
    wallSeconds: round(wallSeconds, 3),
    committedPerSecond: round(latencies.length / wallSeconds, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    cpuSeconds,
    loadAverage: os.loadavg().map((value) => round(value, 2)),
  };
}

async function submitPut(contract: Contract, key: string, value: string): Promise<void> {
  const submitted = await contract.submitAsync('put', { arguments: [key, value] });
  const status = await submitted.getStatus();
  if (!status.successful) throw new Error(`put ${key} committed with validation code ${String(status.code)}`);
}

function patients(batch: number, runId: string): unknown[] {
  return Array.from({ length: RECORDS_PER_TX }, (_, i) => ({
    resourceType: 'Patient',
    id: `bench-${runId}-${batch}-${i}`,
    name: [{ family: `Bench${i}`, given: ['Devnet'] }],
    gender: i % 2 === 0 ? 'female' : 'male',
    birthDate: `19${String(50 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
  }));
}

async function oneRun(config: Config, run: number, pidNames: Map<number, string>): Promise<Measurement[]> {
  const devnet = new BenchDevnet(config.portOffset, config.cpuProfDir, config.profile);
  const measurements: Measurement[] = [];
  try {
    devnet.up();
    // The paper layout's free neighbour of its chaincode server (7410); dev's of 9999.
    await devnet.deployChaincode(
      'shimtest',
      TEST_CHAINCODE,
      devnet.port(config.profile === 'paper' ? 7420 : 9998),
    );
    for (const [name, pid] of devnet.pids) pidNames.set(pid, name);
    const client = devnet.grpcClient();
    const gateway = devnet.user1Gateway(client, config.clientSigner);
    try {
      const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
      const value = randomBytes(PUT_BYTES / 2).toString('hex');
      await measure('warm-up', devnet, WARMUP_TRANSACTIONS, 50, (i) =>
        submitPut(contract, `warm-${i}`, value),
      );
      for (const concurrency of config.concurrency) {
        const measured = await measure('put-1KB', devnet, config.transactions, concurrency, (i) =>
          submitPut(contract, `k-${run}-${concurrency}-${i}`, value),
        );
        measurements.push(measured);
        log(measured);
      }
    } finally {
      gateway.close();
      client.close();
    }
    if (config.recordTransactions > 0) {
      const session = new LedgerSession(
        loadConnectionProfile(path.join(devnet.home, 'fhirledger-connection.json')),
      );
      try {
        const ledger = session.ledgerForNamed('migrator');
        const runId = `${run}-${Date.now()}`;
        const measured = await measure(
          'CreateRecords-100',
          devnet,
          config.recordTransactions,
          RECORD_CONCURRENCY,
          async (i) => {
            const result = await ledger.createRecords(
              patients(i, runId) as Parameters<typeof ledger.createRecords>[0],
            );
            const created = result.value.items.filter((item) => item.outcome === 'created').length;
            if (created !== RECORDS_PER_TX)
              throw new Error(`CreateRecords created ${created} of ${RECORDS_PER_TX}`);
          },
        );
        measurements.push(measured);
        log(measured);
      } finally {
        session.close();
      }
    }
  } finally {
    await devnet.destroy();
  }
  return measurements;
}

function log(m: Measurement): void {
  process.stderr.write(
    `${new Date().toISOString()} ${m.workload} c=${m.concurrency}: ${m.committed}/${m.attempted} committed in ${m.wallSeconds} s = ${m.committedPerSecond} tx/s, p50 ${m.p50Ms} ms, p95 ${m.p95Ms} ms, cpu ${JSON.stringify(m.cpuSeconds)}, load ${m.loadAverage.join(' ')}${m.failed > 0 ? `, ${m.failed} failed: ${m.firstError ?? ''}` : ''}\n`,
  );
}

interface Summary {
  workload: string;
  concurrency: number;
  runs: number;
  committedPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  failed: number;
  cpuSecondsPerKTx: Record<string, number>;
}

/** Medians over runs, per workload and concurrency; CPU as seconds per 1 000 committed transactions. */
export function summarise(runs: readonly (readonly Measurement[])[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of runs.flat()) {
    const key = `${m.workload}@${m.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as Measurement;
    const cpu: Record<string, number> = {};
    for (const name of Object.keys(first.cpuSeconds)) {
      cpu[name] = round(
        median(group.map((m) => ((m.cpuSeconds[name] ?? 0) / Math.max(1, m.committed)) * 1000)),
        2,
      );
    }
    return {
      workload: first.workload,
      concurrency: first.concurrency,
      runs: group.length,
      committedPerSecond: round(median(group.map((m) => m.committedPerSecond)), 1),
      p50Ms: round(median(group.map((m) => m.p50Ms)), 1),
      p95Ms: round(median(group.map((m) => m.p95Ms)), 1),
      failed: group.reduce((sum, m) => sum + m.failed, 0),
      cpuSecondsPerKTx: cpu,
    };
  });
}

function readme(
  config: Config,
  summaries: readonly Summary[],
  profiles: ProfileSummary[],
  command: string,
): string {
  const env = describeEnvironment();
  const processes = Object.keys(summaries[0]?.cpuSecondsPerKTx ?? {});
  const lines = [
    '# fabric-devnet throughput through @hyperledger/fabric-gateway',
    '',
    `Machine-written by \`bench/bench-devnet.ts\` — do not edit. Command: \`${command}\`. Commit ${env.commit}${env.dirty ? ' (dirty)' : ''}, node ${env.node}, ${env.cpus} × ${env.cpuModel}, load average at the end ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}.`,
    '',
    `One devnet per run (dev profile: 1 orderer, peer0.org1, CA, EHR chaincode server, plus the test contract's server), ${config.runs} runs, medians shown. The client is this process, on the same machine, one gRPC connection; every proposal, endorsement and block signature is checked. Latency is submit → commit status (\`submitAsync\` then \`getStatus()\`). Puts are blind 1 KB writes to fresh keys (\`shimtest.put\`); CreateRecords carries ${RECORDS_PER_TX} Patients per transaction, ${RECORD_CONCURRENCY} in flight, as the profile's \`migrator\` (ledger-client, fabric-gateway's own signer). The puts' client signer: \`${config.clientSigner}\`.`,
    config.cpuProfDir === undefined
      ? ''
      : '\n**Profiled run** (`--cpu-prof` on every process): the figures are lower than an unprofiled run.\n',
    '',
    `| workload | in flight | committed tx/s | p50 ms | p95 ms | failed | ${processes.map((p) => `CPU s / 1k tx ${p}`).join(' | ')} |`,
    `|---|---|---|---|---|---|${processes.map(() => '---').join('|')}|`,
    ...summaries.map(
      (s) =>
        `| ${s.workload} | ${s.concurrency} | ${s.committedPerSecond} | ${s.p50Ms} | ${s.p95Ms} | ${s.failed} | ${processes.map((p) => String(s.cpuSecondsPerKTx[p] ?? '')).join(' | ')} |`,
    ),
    '',
    'For CreateRecords one transaction is 100 records: records/s = 100 × tx/s.',
    '',
    '## Compared with Fabric (FABRIC-NOTES.md, "Throughput reference points")',
    '',
    '- Fabric 2.5 benchmark, native binaries on 3 × 40-thread servers, Go chaincode, 500-message batches: ~2 900 TPS blind writes, ~2 500 TPS read-write.',
    '- Paper 002, four 2-core VMs, Node chaincode, majority endorsement: 185 TPS creates at best.',
    '',
    'The devnet runs everything (orderer, peer, two chaincode servers, CA) and the client on one 2-core machine; the CPU columns show where those two cores go per 1 000 committed transactions.',
    '',
  ];
  if (profiles.length > 0) {
    lines.push(
      '## Where the time goes (cpu profiles)',
      '',
      'Self time as a share of the time each process spent running (idle excluded), first by area (a package, a folder',
      "of ours, node's internals; `(program)` is native code outside JS, e.g. TLS and HTTP/2 framing), then by function.",
      '',
    );
    for (const profile of profiles) {
      lines.push(
        `### ${profile.process}, ${profile.totalSeconds.toFixed(1)} s busy`,
        '',
        '| self % | area |',
        '|---|---|',
      );
      for (const entry of profile.byArea.slice(0, 12))
        lines.push(`| ${entry.percent.toFixed(1)} | ${entry.where} |`);
      lines.push('', '| self % | function |', '|---|---|');
      for (const entry of profile.top.slice(0, 15))
        lines.push(`| ${entry.percent.toFixed(1)} | ${entry.where} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** The client's own profile, through the inspector, as the devnet processes' preload takes theirs. */
async function startClientProfiler(): Promise<{ stop(): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return JSON.stringify(profile);
    },
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `fhirledger bench devnet [flags]` (through experiment-process.ts), or `node dist/bench/bench-devnet.js [flags]`. */
export async function run(args: readonly string[]): Promise<void> {
  process.exitCode = await benchmark(args);
}

async function benchmark(args: readonly string[]): Promise<number> {
  let config: Config | 'help';
  try {
    config = readConfig([...args]);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${helpText(SPEC)}`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(helpText(SPEC));
    return ExitCode.OK;
  }
  process.stderr.write(`bench devnet: ${JSON.stringify(config)}\n`);
  const runs: Measurement[][] = [];
  const pidNames = new Map<number, string>();
  const clientProfiler = config.cpuProfDir === undefined ? undefined : await startClientProfiler();
  for (let run = 0; run < config.runs; run += 1) runs.push(await oneRun(config, run, pidNames));
  if (clientProfiler !== undefined && config.cpuProfDir !== undefined) {
    writeFileSync(
      path.join(config.cpuProfDir, `CPU.0.0.${process.pid}.0.0.cpuprofile`),
      await clientProfiler.stop(),
    );
    pidNames.set(process.pid, 'client (this process)');
  }
  const summaries = summarise(runs);
  const profiles = config.cpuProfDir === undefined ? [] : summariseProfiles(config.cpuProfDir, pidNames);
  const folder = createRunFolder(config.profile === 'paper' ? 'devnet-paper' : 'devnet', config.results);
  const command = `node dist/bench/bench-devnet.js ${args.join(' ')}`.trim();
  writeRunJson(folder, 'devnet', { ...config, command }, { summaries, runs, profiles });
  writeFileSync(path.join(folder, 'README.md'), `${readme(config, summaries, profiles, command)}\n`);
  process.stdout.write(`${JSON.stringify({ folder, summaries }, null, 2)}\n`);
  return summaries.some((s) => s.failed > 0) ? ExitCode.FINISHED_WITH_REJECTS : ExitCode.OK;
}

// Run directly as a script too, as the results pages' commands do.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `bench devnet failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = ExitCode.FAILURE;
  });
}
