/**
 * Benchmark: dry-run migration throughput (records/s, median of 3 runs, each in its own process with its peak RSS)
 * on the worker pool (one worker per core) against the in-thread pipeline, alternating, in the same run;
 * validator start-up cold (fresh cache: ajv compiles the R4 schema) vs cached (standalone module loaded), and the
 * dedupe index's memory per million records. Input: the generator's NDJSON with 5 % defects.
 * Writes results/<date>-migrator-dry-run/.
 *
 *   fhirledger bench migrate-dry-run [--patients 2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childProcessArgs } from './experiments.js';
import { createRunFolder, median, writeRunJson } from './run-folder.js';
import { MANIFEST_FILE, writePopulation } from '../generators/index.js';
import { DedupeIndex } from '../migrator/core/dedupe-index.js';
import { FhirTypeIndex, loadFhirSchema } from '../migrator/core/fhir-types.js';
import { dryRunFiles } from '../migrator/local-dry-run.js';
import { RecordPipeline } from '../migrator/core/record-pipeline.js';
import { defaultWorkerCount, RecordWorkerPool } from '../migrator/io/record-worker-pool.js';
import { loadSchemaValidators } from '../migrator/io/schema-validator.js';

interface DryRunFigures {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMiB: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

async function childDryRun(workers: number, deadLetter: string, files: string[]): Promise<void> {
  const pipeline = new RecordPipeline(new FhirTypeIndex(loadFhirSchema()), loadSchemaValidators(), {
    maxRecordBytes: 1 << 20,
    assignIds: false,
    dateOrder: undefined,
    defaultZone: 'Z',
  });
  // Timed like the CLI's run: worker start-up (schema index and validators per worker) is part of it.
  const started = performance.now();
  const processor = workers === 0 ? undefined : new RecordWorkerPool(workers, pipeline.options);
  const report = await dryRunFiles({
    files,
    pipeline,
    ...(processor === undefined ? {} : { processor }),
    deadLetterFile: deadLetter,
  }).finally(() => processor?.close());
  const seconds = (performance.now() - started) / 1000;
  const figures: DryRunFigures = {
    records: report.records.read,
    seconds,
    recordsPerSecond: report.records.read / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    accepted: report.records.accepted,
    rejected: report.records.rejected,
    duplicates: report.records.duplicates,
  };
  process.stdout.write(JSON.stringify(figures));
}

function childStartup(): void {
  const validators = loadSchemaValidators();
  process.stdout.write(JSON.stringify({ cached: validators.origin.cached, ms: validators.origin.millis }));
}

/** Heap bytes per record of the dedupe index, keys shaped like generated ids. Needs --expose-gc. */
function childDedupeMemory(records: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage().heapUsed;
  const index = new DedupeIndex();
  for (let i = 0; i < records; i += 1) {
    index.check(
      'Observation',
      // Ids as JSON.parse hands them over (flat strings), not the cons strings a template literal makes.
      JSON.parse(`"s1-p${Math.floor(i / 40)}-obs${i % 40}"`) as string,
      `${(i * 2654435761).toString(16).padStart(16, '0')}${'0'.repeat(48)}`,
    );
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  process.stdout.write(JSON.stringify({ records: index.size, bytes, bytesPerRecord: bytes / records }));
}

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): unknown {
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function main(args: readonly string[]): Promise<void> {
  const patientsIndex = args.indexOf('--patients');
  const patients = patientsIndex >= 0 ? Number(args[patientsIndex + 1]) : 2000;
  const temp = mkdtempSync(path.join(os.tmpdir(), 'bench-dry-run-'));
  try {
    const data = path.join(temp, 'data');
    await writePopulation(data, { patients, seed: 1, dirtyRate: 0.05, format: 'ndjson' });
    const manifest = JSON.parse(readFileSync(path.join(data, MANIFEST_FILE), 'utf8')) as {
      output: { url: string }[];
    };
    const files = manifest.output.map((entry) => path.join(data, entry.url));

    const cacheDir = path.join(temp, 'validator-cache');
    const cold = runChild(childProcessArgs('migrate-dry-run', ['--child', 'startup']), {
      ...process.env,
      FHIRLEDGER_CACHE_DIR: cacheDir,
    }) as { cached: boolean; ms: number };
    const cached = [1, 2, 3].map(
      () =>
        runChild(childProcessArgs('migrate-dry-run', ['--child', 'startup']), {
          ...process.env,
          FHIRLEDGER_CACHE_DIR: cacheDir,
        }) as { cached: boolean; ms: number },
    );
    if (cold.cached || cached.some((run) => !run.cached)) throw new Error('cache state not as expected');

    // In-thread and worker-pool runs alternate, so a busy spell on the machine hits both alike.
    const workers = Math.max(defaultWorkerCount(), 1);
    const dryRun = (threads: number) =>
      runChild(
        childProcessArgs('migrate-dry-run', [
          '--child',
          'dry-run',
          String(threads),
          path.join(temp, 'dead-letter.ndjson'),
          ...files,
        ]),
      ) as DryRunFigures;
    const inThread: DryRunFigures[] = [];
    const pooled: DryRunFigures[] = [];
    for (let round = 0; round < 3; round += 1) {
      inThread.push(dryRun(0));
      pooled.push(dryRun(workers));
    }
    const runs = pooled;
    if (
      inThread.some((run, i) => {
        const other = pooled[i];
        return other === undefined || run.accepted !== other.accepted || run.rejected !== other.rejected;
      })
    ) {
      throw new Error('in-thread and worker-pool runs disagree on outcomes');
    }
    const dedupe = runChild([
      '--expose-gc',
      ...childProcessArgs('migrate-dry-run', ['--child', 'dedupe', '1000000']),
    ]) as {
      records: number;
      bytes: number;
      bytesPerRecord: number;
    };

    const figures = {
      records: runs[0]?.records,
      workers,
      recordsPerSecond: {
        median: median(runs.map((run) => run.recordsPerSecond)),
        runs: runs.map((run) => run.recordsPerSecond),
      },
      inThreadRecordsPerSecond: {
        median: median(inThread.map((run) => run.recordsPerSecond)),
        runs: inThread.map((run) => run.recordsPerSecond),
      },
      workersOverInThread:
        median(runs.map((run) => run.recordsPerSecond)) / median(inThread.map((run) => run.recordsPerSecond)),
      peakRssMiB: {
        max: Math.max(...runs.map((run) => run.peakRssMiB)),
        runs: runs.map((run) => run.peakRssMiB),
        inThreadMax: Math.max(...inThread.map((run) => run.peakRssMiB)),
      },
      outcomes: { accepted: runs[0]?.accepted, rejected: runs[0]?.rejected, duplicates: runs[0]?.duplicates },
      validatorStartupMs: {
        cold: cold.ms,
        cachedMedian: median(cached.map((run) => run.ms)),
        cachedRuns: cached.map((run) => run.ms),
      },
      coldOverCached: cold.ms / median(cached.map((run) => run.ms)),
      dedupeIndex: { ...dedupe, mibPerMillionRecords: dedupe.bytes / 2 ** 20 / (dedupe.records / 1e6) },
      loadAverage: os.loadavg(),
    };
    const folder = createRunFolder('migrator-dry-run');
    writeRunJson(
      folder,
      'migrator-dry-run',
      { patients, seed: 1, dirtyRate: 0.05, batchSize: 200, runs: 3, workers },
      figures,
    );
    process.stdout.write(
      `${figures.records} records: ${workers} workers median ${Math.round(figures.recordsPerSecond.median)} records/s (${figures.recordsPerSecond.runs.map(Math.round).join(', ')}), in-thread ${Math.round(figures.inThreadRecordsPerSecond.median)} (×${figures.workersOverInThread.toFixed(2)}), peak RSS ${figures.peakRssMiB.max.toFixed(0)} MiB; validators cold ${cold.ms.toFixed(0)} ms vs cached ${figures.validatorStartupMs.cachedMedian.toFixed(0)} ms; dedupe ${figures.dedupeIndex.mibPerMillionRecords.toFixed(0)} MiB per million records → ${folder}\n`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<void> {
  const [flag, mode, ...rest] = args;
  if (flag === '--child' && mode === 'dry-run')
    await childDryRun(Number(rest[0]), rest[1] ?? '', rest.slice(2));
  else if (flag === '--child' && mode === 'startup') childStartup();
  else if (flag === '--child' && mode === 'dedupe') childDedupeMemory(Number(rest[0]));
  else await main(args);
}
