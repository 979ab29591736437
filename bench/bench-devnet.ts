/**
 * `fhirledger bench devnet`: committed transactions per second and submit → commit-status latency of fabric-devnet
 * through the real @hyperledger/fabric-gateway client, with every signature check on, and the CPU split between the
 * devnet's processes and the client. Writes results/<date>-devnet/run.json and README.md.
 *
 *   node dist/bench/bench-devnet.js [--transactions N] [--runs R] [--concurrency 50,100,200] [--port-offset P]
 *                                    [--cpu-prof-dir DIR]   (each also FHIRLEDGER_BENCH_DEVNET_*; bench-devnet-config.ts)
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
import { ExitCode, readCommandConfig } from '../common/cli-args.js';
import { ledgerForNamedIdentity, openLedgerSession } from '../ledger-client/index.js';
import { BENCH_DEVNET_SPEC, loadBenchDevnetConfig, type BenchDevnetConfig } from './bench-devnet-config.js';
import { percentile, readme, round, summarise, type Measurement } from './bench-devnet-summary.js';
import { BenchDevnet, REPO } from './devnet-harness.js';
import { createRunFolder, writeRunJson } from './run-folder.js';
import { summariseProfiles } from './cpu-profile.js';

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const PUT_BYTES = 1024;
const RECORDS_PER_TX = 100;
const RECORD_CONCURRENCY = 4;
const LEVEL_DEADLINE_MS = 120_000;
const WARMUP_TRANSACTIONS = 300;

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

async function oneRun(
  config: BenchDevnetConfig,
  run: number,
  pidNames: Map<number, string>,
): Promise<Measurement[]> {
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
      // The one ledger factory, as migrate and the gateway open theirs.
      const session = openLedgerSession(
        path.join(devnet.home, 'fhirledger-connection.json'),
        'the bench devnet writes its profile',
      );
      try {
        const ledger = ledgerForNamedIdentity(session, 'migrator');
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

/** `fhirledger bench devnet [flags]` (through experiment-process.ts), or `node dist/bench/bench-devnet.js [flags]`. */
export async function run(args: readonly string[]): Promise<void> {
  process.exitCode = await benchmark(args);
}

async function benchmark(args: readonly string[]): Promise<number> {
  const read = readCommandConfig('bench devnet', BENCH_DEVNET_SPEC, args, (parsed) =>
    loadBenchDevnetConfig(parsed.values, process.env),
  );
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;
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
  writeFileSync(
    path.join(folder, 'README.md'),
    `${readme(
      config,
      { recordsPerTx: RECORDS_PER_TX, recordConcurrency: RECORD_CONCURRENCY },
      summaries,
      profiles,
      command,
    )}\n`,
  );
  process.stdout.write(`${JSON.stringify({ folder, summaries }, null, 2)}\n`);
  return summaries.some((s) => s.failed > 0) ? ExitCode.FINISHED_WITH_FINDINGS : ExitCode.OK;
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
