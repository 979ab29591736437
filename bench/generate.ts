/**
 * Benchmark: generate ≥ 1,000,000 resources as NDJSON into a temp dir (deleted afterwards), three times clean and
 * once with --dirty-rate 0.1, and record resources/s and peak RSS in results/<date>-generate/run.json.
 * Run: fhirledger bench generate [--patients N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRunFolder, median, writeRunJson } from './run-folder.js';
import { writePopulation } from '../generators/write-population.js';

const seed = 2025;
const CLEAN_RUNS = 3;

interface RunFigures {
  dirtyRate: number;
  resources: number;
  seconds: number;
  resourcesPerSecond: number;
  peakRssMiB: number;
}

async function measure(patients: number, dirtyRate: number): Promise<RunFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fhirledger-bench-generate-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const started = performance.now();
    const summary = await writePopulation(dir, { patients, seed, dirtyRate });
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      dirtyRate,
      resources: summary.totalResources,
      seconds: Math.round(seconds * 100) / 100,
      resourcesPerSecond: Math.round(summary.totalResources / seconds),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    };
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<void> {
  const patients = Number(args[0] ?? 23_000);
  const clean: RunFigures[] = [];
  for (let i = 0; i < CLEAN_RUNS; i += 1) {
    clean.push(await measure(patients, 0));
    process.stderr.write(`clean run ${i + 1}: ${JSON.stringify(clean[clean.length - 1])}\n`);
  }
  const dirty = await measure(patients, 0.1);
  process.stderr.write(`dirty run: ${JSON.stringify(dirty)}\n`);

  const medianRate = median(clean.map((r) => r.resourcesPerSecond));
  const figures = {
    resources: clean[0]?.resources,
    medianResourcesPerSecond: medianRate,
    maxPeakRssMiB: Math.max(...clean.map((r) => r.peakRssMiB), dirty.peakRssMiB),
    processMaxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    dirtyToCleanRateRatio: Math.round((dirty.resourcesPerSecond / medianRate) * 100) / 100,
    targets: { resourcesPerSecond: 50_000, peakRssMiB: 300 },
    clean,
    dirty,
  };
  const folder = createRunFolder('generate');
  writeRunJson(
    folder,
    'generate',
    { patients, seed, format: 'ndjson', cleanRuns: CLEAN_RUNS, dirtyRate: 0.1 },
    figures,
  );
  process.stdout.write(`${JSON.stringify({ folder, ...figures, clean: undefined, dirty: undefined })}\n`);
}
