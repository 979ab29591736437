/**
 * Benchmark: the migrator loading generated records into a fabric-devnet (issue 15's "speed at scale"), and in the
 * same run the devnet's raw CreateRecords ceiling and the dry-run figure:
 *
 * 1. generate a clean population of at least --records records (NDJSON);
 * 2. `fhirledger migrate --dry-run` over it, as a child process: records/s and peak RSS;
 * 3. a devnet of its own (port offset 19000); the ceiling: pre-serialised copies of records in the data set's
 *    mix of resource types (ids prefixed, so they never meet the migrated ones) sent by the migrator identity through the same ledger client,
 *    batch size and concurrency as the migration, nothing else in the loop — before the migration (empty ledger),
 *    after it (full ledger), and every few minutes during it (ceiling-probes.ts pauses the migrator for each);
 * 4. `fhirledger migrate` over it, live, as a child process: records/s (paused time excluded) and peak RSS;
 * 5. the ratio of the live rate to the ceiling's time-weighted mean over the run. Writes
 *    results/<date>-migrator-live/run.json.
 *
 * Why probes during the run: the ceiling falls as the ledger grows (589 → 348 records/s over 346 757 records, 791 →
 * 222 over 1 M), and on a shared 2-core machine it also moves with whatever else runs; a ceiling taken only at the
 * two ends compares the migration with a machine and a ledger it never saw.
 *
 *   nice -n 10 fhirledger bench migrate-live [--records 1000000]
 *
 * Every loop is bounded: the ceiling sends a fixed number of batches, each child has a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE, writePopulation } from '../generators/index.js';
import { measureCeiling, probeWhileRunning, timeWeightedMean, type ProbeSettings } from './ceiling-probes.js';
import { BenchDevnet } from './devnet-harness.js';
import { createRunFolder, writeRunJson } from './run-folder.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PORT_OFFSET = 19000;
const BATCH_SIZE = 200;
const CONCURRENCY = 4;
const CEILING_BATCHES = 60;
/** During the run: a probe of 15 batches every 5 minutes, after 2 s for the migrator's in-flight batches to commit. */
const PROBE_BATCHES = 15;
const PROBE_INTERVAL_MS = 5 * 60_000;
const PROBE_SETTLE_MS = 2000;
/** Records per generated patient, at least (the generator's mix gives about 45.6); the population is sized from it. */
const RECORDS_PER_PATIENT = 44;
const CHILD_DEADLINE_MS = 3 * 3600_000;

interface ChildFigures {
  exitCode: number | null;
  /** Wall-clock seconds minus the time the ceiling probes kept it paused. */
  seconds: number;
  pausedSeconds: number;
  peakRssMiB: number;
  report: {
    records: { read: number; accepted: number };
    ledger?: { created: number };
    recordsPerSecond?: number;
  };
}

/** Runs `fhirledger migrate …` and samples its peak RSS (VmHWM, the kernel's high-water mark) until it exits. */
async function migrateChild(
  args: string[],
  reportFile: string,
  whileRunning?: (child: ChildProcess, startedAt: number) => Promise<number>,
): Promise<ChildFigures> {
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The hook resolves with the seconds it kept the child paused, which are not the migration's.
  const pausedSeconds = whileRunning === undefined ? 0 : await whileRunning(child, started);
  const exitCode = await exited;
  clearInterval(sampler);
  clearTimeout(deadline);
  const seconds = (performance.now() - started) / 1000 - pausedSeconds;
  // The report's input and output paths name this machine's temporary folder: results keep only the figures.
  const {
    inputs: _inputs,
    files: _files,
    ...report
  } = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildFigures['report'] & {
    inputs?: unknown;
    files?: unknown;
  };
  return { exitCode, seconds, pausedSeconds, peakRssMiB: Math.round(peakKiB / 1024), report };
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
      output: { url: string; count: number }[];
    };
    const files = manifest.output.map((entry) => ({
      file: path.join(data, entry.url),
      records: entry.count,
    }));
    process.stderr.write(`generated ${JSON.stringify(generated)}\n`);
    if (generated.totalResources < target) {
      throw new Error(`generated ${generated.totalResources} records, fewer than --records ${target}`);
    }

    const dry = await migrateChild(['--input', data, '--dry-run'], path.join(temp, 'dry.json'));
    process.stderr.write(`dry run: ${JSON.stringify(dry)}\n`);

    devnet.up();
    const profile = path.join(devnet.home, 'fhirledger-connection.json');
    const settings: ProbeSettings = { profile, files, batchSize: BATCH_SIZE, concurrency: CONCURRENCY };
    const ceilingBefore = await measureCeiling(settings, CEILING_BATCHES, 'cb-', 0);
    process.stderr.write(`ceiling before: ${JSON.stringify(ceilingBefore)}\n`);
    const during: Awaited<ReturnType<typeof probeWhileRunning>> = { probes: [], pausedSeconds: 0 };
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
      async (child, startedAt) => {
        Object.assign(
          during,
          await probeWhileRunning(child, settings, {
            intervalMs: PROBE_INTERVAL_MS,
            settleMs: PROBE_SETTLE_MS,
            batches: PROBE_BATCHES,
            startedAt,
          }),
        );
        for (const probe of during.probes) process.stderr.write(`ceiling during: ${JSON.stringify(probe)}\n`);
        return during.pausedSeconds;
      },
    );
    process.stderr.write(`live: ${JSON.stringify(live)}\n`);
    const ceilingAfter = await measureCeiling(settings, CEILING_BATCHES, 'ca-', live.seconds);
    process.stderr.write(`ceiling after: ${JSON.stringify(ceilingAfter)}\n`);

    const liveRate = live.report.records.accepted / live.seconds;
    const probes = [ceilingBefore, ...during.probes, ceilingAfter];
    const ceiling = timeWeightedMean(probes);
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
        probe: { batches: PROBE_BATCHES, intervalMs: PROBE_INTERVAL_MS, settleMs: PROBE_SETTLE_MS },
        portOffset: PORT_OFFSET,
        loadAverage: loadAtStart,
        command: `fhirledger bench migrate-live --records ${target}`,
      },
      {
        generated,
        dryRun: { ...dry, recordsPerSecond: dry.report.records.read / dry.seconds },
        live: { ...live, recordsPerSecond: liveRate },
        ceiling: {
          before: ceilingBefore,
          during: during.probes,
          after: ceilingAfter,
          timeWeightedMeanRecordsPerSecond: ceiling,
        },
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
