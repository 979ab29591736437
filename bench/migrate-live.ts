/**
 * Benchmark: the migrator loading generated records into a fabric-devnet (issue 15's "speed at scale"), and in the
 * same run the devnet's raw CreateRecords ceiling and the dry-run figure:
 *
 * 1. generate a clean population of at least --records records (NDJSON);
 * 2. `fhirledger migrate --dry-run` over it, as a child process: records/s and peak RSS;
 * 3. a devnet of its own (port offset 41000); the ceiling: pre-serialised copies of the first records (ids
 *    prefixed, so they never meet the migrated ones) sent by the migrator identity through the same ledger client,
 *    batch size and concurrency as the migration, nothing else in the loop — before the migration (empty ledger)
 *    and after it (full ledger);
 * 4. `fhirledger migrate` over it, live, as a child process: records/s and peak RSS;
 * 5. the ratio of the live rate to the mean ceiling. Writes results/<date>-migrator-live/run.json.
 *
 *   nice -n 10 fhirledger bench migrate-live [--records 1000000]
 *
 * Every loop is bounded: the ceiling sends a fixed number of batches, each child has a deadline.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { MANIFEST_FILE, writePopulation } from '../generators/index.js';
import { ledgerForNamedIdentity, openLedgerSession } from '../ledger-client/index.js';
import { BenchDevnet } from './devnet-harness.js';
import { createRunFolder, writeRunJson } from './run-folder.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PORT_OFFSET = 41000;
const BATCH_SIZE = 200;
const CONCURRENCY = 4;
const CEILING_BATCHES = 60;
/** Records per generated patient, at least (the generator's mix gives about 45.6); the population is sized from it. */
const RECORDS_PER_PATIENT = 44;
const CHILD_DEADLINE_MS = 3 * 3600_000;

interface ChildFigures {
  exitCode: number | null;
  seconds: number;
  peakRssMiB: number;
  report: {
    records: { read: number; accepted: number };
    ledger?: { created: number };
    recordsPerSecond?: number;
  };
}

/** Runs `fhirledger migrate …` and samples its peak RSS (VmHWM, the kernel's high-water mark) until it exits. */
async function migrateChild(args: string[], reportFile: string): Promise<ChildFigures> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'migrate', ...args, '--report', reportFile, '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let peakKiB = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match !== null) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch (error) {
      // The process may have exited between two samples; its last high-water mark was read before.
      if (!(error instanceof Error)) throw error;
    }
  };
  const sampler = setInterval(sample, 250);
  const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  clearTimeout(deadline);
  const seconds = (performance.now() - started) / 1000;
  // The report's input and output paths name this machine's temporary folder: results keep only the figures.
  const {
    inputs: _inputs,
    files: _files,
    ...report
  } = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildFigures['report'] & {
    inputs?: unknown;
    files?: unknown;
  };
  return { exitCode, seconds, peakRssMiB: Math.round(peakKiB / 1024), report };
}

/** The first `count` records of the data set, as canonical-key JSON with ids given `prefix`. */
async function ceilingRecords(files: string[], count: number, prefix: string): Promise<string[]> {
  const records: string[] = [];
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (records.length >= count) break;
      if (line === '') continue;
      const record = JSON.parse(line) as { id: string };
      record.id = `${prefix}${record.id}`.slice(0, 64);
      records.push(JSON.stringify(record));
    }
    if (records.length >= count) break;
  }
  return records;
}

/** Raw CreateRecords throughput: fixed batches, the migration's batch size and concurrency, nothing else. */
async function measureCeiling(profile: string, records: string[]) {
  const session = openLedgerSession(profile, 'bench');
  try {
    const ledger = ledgerForNamedIdentity(session, 'migrator');
    const limit = pLimit(CONCURRENCY);
    const batches: string[][] = [];
    for (let i = 0; i < records.length; i += BATCH_SIZE) batches.push(records.slice(i, i + BATCH_SIZE));
    let created = 0;
    const started = performance.now();
    await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          const committed = await ledger.createRecordsJson(batch);
          created += committed.value.counts.created;
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    if (created !== records.length) throw new Error(`ceiling created ${created} of ${records.length}`);
    return { records: records.length, seconds, recordsPerSecond: records.length / seconds };
  } finally {
    session.close();
  }
}

export async function run(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--records');
  const target = at >= 0 ? Number(args[at + 1]) : 1_000_000;
  if (!Number.isInteger(target) || target < 1000) throw new Error('--records must be an integer ≥ 1000');
  const loadAtStart = os.loadavg();
  const temp = mkdtempSync(path.join(os.tmpdir(), 'bench-migrate-live-'));
  const devnet = new BenchDevnet(PORT_OFFSET, undefined);
  try {
    const data = path.join(temp, 'data');
    const patients = Math.ceil(target / RECORDS_PER_PATIENT);
    const generated = await writePopulation(data, { patients, seed: 3, dirtyRate: 0, format: 'ndjson' });
    const manifest = JSON.parse(readFileSync(path.join(data, MANIFEST_FILE), 'utf8')) as {
      output: { url: string }[];
    };
    const files = manifest.output.map((entry) => path.join(data, entry.url));
    process.stderr.write(`generated ${JSON.stringify(generated)}\n`);
    if (generated.totalResources < target) {
      throw new Error(`generated ${generated.totalResources} records, fewer than --records ${target}`);
    }

    const dry = await migrateChild(['--input', data, '--dry-run'], path.join(temp, 'dry.json'));
    process.stderr.write(`dry run: ${JSON.stringify(dry)}\n`);

    devnet.up();
    const profile = path.join(devnet.home, 'fhirledger-connection.json');
    const ceilingBefore = await measureCeiling(
      profile,
      await ceilingRecords(files, CEILING_BATCHES * BATCH_SIZE, 'cb-'),
    );
    process.stderr.write(`ceiling before: ${JSON.stringify(ceilingBefore)}\n`);
    const live = await migrateChild(
      [
        '--input',
        data,
        '--connection',
        profile,
        '--batch-size',
        String(BATCH_SIZE),
        '--concurrency',
        String(CONCURRENCY),
      ],
      path.join(temp, 'live.json'),
    );
    process.stderr.write(`live: ${JSON.stringify(live)}\n`);
    const ceilingAfter = await measureCeiling(
      profile,
      await ceilingRecords(files, CEILING_BATCHES * BATCH_SIZE, 'ca-'),
    );
    process.stderr.write(`ceiling after: ${JSON.stringify(ceilingAfter)}\n`);

    const liveRate = live.report.records.accepted / live.seconds;
    const ceiling = (ceilingBefore.recordsPerSecond + ceilingAfter.recordsPerSecond) / 2;
    const folder = createRunFolder('migrator-live');
    const file = writeRunJson(
      folder,
      'migrate-live',
      {
        records: target,
        patients,
        batchSize: BATCH_SIZE,
        concurrency: CONCURRENCY,
        ceilingBatches: CEILING_BATCHES,
        portOffset: PORT_OFFSET,
        loadAverage: loadAtStart,
        command: `fhirledger bench migrate-live --records ${target}`,
      },
      {
        generated,
        dryRun: { ...dry, recordsPerSecond: dry.report.records.read / dry.seconds },
        live: { ...live, recordsPerSecond: liveRate },
        ceiling: { before: ceilingBefore, after: ceilingAfter, meanRecordsPerSecond: ceiling },
        ratioToCeiling: liveRate / ceiling,
        loadAverageAtEnd: os.loadavg(),
      },
    );
    process.stdout.write(
      `live ${liveRate.toFixed(0)} records/s (${live.report.records.accepted} in ${live.seconds.toFixed(0)} s, peak RSS ${live.peakRssMiB} MiB), ceiling ${ceiling.toFixed(0)} records/s, ratio ${(liveRate / ceiling).toFixed(2)}; dry run ${(dry.report.records.read / dry.seconds).toFixed(0)} records/s (peak RSS ${dry.peakRssMiB} MiB)\n  ${file}\n`,
    );
  } finally {
    await devnet.destroy();
    rmSync(temp, { recursive: true, force: true });
  }
}
