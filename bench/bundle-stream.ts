/**
 * Benchmark: stream a ≥ 1 GiB FHIR Bundle through the migrator's Bundle source and show that memory stays flat, then
 * dry-run the same Bundle through the whole pipeline (worker pool, one worker per core). Writes the Bundle to a temp
 * file (from a small generated population, ids made unique), measures each pass in its own child process (RSS
 * sampled every 250 ms during the read), deletes the file, and writes results/<date>-migrator-bundle-stream/.
 *
 * The read pass takes each entry as far as the text the record pipeline parses (the main thread's share of the
 * work, which the worker pool cannot spread); the dry-run pass is the end-to-end figure.
 *
 *   fhirledger bench bundle-stream [--gib 1]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { childProcessArgs } from './experiments.js';
import { createRunFolder, median, writeRunJson } from './run-folder.js';
import { MANIFEST_FILE, writePopulation } from '../generators/index.js';
import { FhirTypeIndex, loadFhirSchema } from '../migrator/core/fhir-types.js';
import { RecordPipeline } from '../migrator/core/record-pipeline.js';
import { dryRunFiles } from '../migrator/local-dry-run.js';
import { defaultWorkerCount, RecordWorkerPool } from '../migrator/io/record-worker-pool.js';
import { loadSchemaValidators } from '../migrator/io/schema-validator.js';
import { readBundle } from '../migrator/io/sources/bundle-source.js';

interface ReadFigures {
  records: number;
  seconds: number;
  megabytesPerSecond: number;
  peakRssMiB: number;
  rssSamplesMiB: number[];
}

interface DryRunFigures {
  records: number;
  accepted: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMiB: number;
  workers: number;
}

async function childRead(file: string): Promise<void> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss() / 2 ** 20), 250);
  const started = performance.now();
  let records = 0;
  let characters = 0;
  for await (const record of readBundle(file, false)) {
    // What the migration hands the record pipeline (migrator/core/migration.ts readInput).
    characters += record.text.length;
    records += 1;
  }
  clearInterval(timer);
  if (characters === 0) throw new Error('no entry text read');
  const seconds = (performance.now() - started) / 1000;
  const figures: ReadFigures = {
    records,
    seconds,
    megabytesPerSecond: statSync(file).size / 2 ** 20 / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    rssSamplesMiB: samples.map((mib) => Math.round(mib)),
  };
  process.stdout.write(JSON.stringify(figures));
}

async function childDryRun(file: string): Promise<void> {
  const pipeline = new RecordPipeline(new FhirTypeIndex(loadFhirSchema()), loadSchemaValidators(), {
    maxRecordBytes: 1 << 20,
    assignIds: false,
    dateOrder: undefined,
    defaultZone: 'Z',
  });
  const workers = defaultWorkerCount();
  const started = performance.now();
  const processor = new RecordWorkerPool(workers, pipeline.options);
  const report = await dryRunFiles({ files: [file], kind: 'bundle', pipeline, processor }).finally(() =>
    processor.close(),
  );
  const seconds = (performance.now() - started) / 1000;
  const figures: DryRunFigures = {
    records: report.records.read,
    accepted: report.records.accepted,
    seconds,
    recordsPerSecond: report.records.read / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    workers,
  };
  process.stdout.write(JSON.stringify(figures));
}

/** The child's figures as JSON text. */
function runChild(mode: string, file: string): string {
  const run = spawnSync(process.execPath, childProcessArgs('bundle-stream', ['--child', mode, file]), {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`${mode} child failed: ${run.stderr}`);
  return run.stdout;
}

async function writeBundle(
  file: string,
  targetBytes: number,
  templates: Record<string, unknown>[],
): Promise<number> {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write('{"resourceType":"Bundle","type":"collection","entry":[');
  let bytes = 0;
  let entries = 0;
  while (bytes < targetBytes) {
    const template = templates[entries % templates.length] as Record<string, unknown>;
    const resource = { ...template, id: `b${entries}` };
    const text = `${entries === 0 ? '' : ','}{"fullUrl":"urn:uuid:${entries}","resource":${JSON.stringify(resource)}}`;
    await write(text);
    bytes += text.length;
    entries += 1;
  }
  await write(']}');
  out.end();
  await finished(out);
  return entries;
}

async function main(args: readonly string[]): Promise<void> {
  const gibIndex = args.indexOf('--gib');
  const gib = gibIndex >= 0 ? Number(args[gibIndex + 1]) : 1;
  const temp = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const population = path.join(temp, 'population');
    await writePopulation(population, { patients: 40, seed: 3, format: 'ndjson' });
    const manifest = JSON.parse(readFileSync(path.join(population, MANIFEST_FILE), 'utf8')) as {
      output: { url: string }[];
    };
    const templates = manifest.output.flatMap((entry) =>
      readFileSync(path.join(population, entry.url), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    const file = path.join(temp, 'bundle.json');
    const writeStarted = performance.now();
    const entries = await writeBundle(file, gib * 2 ** 30, templates);
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    const bytes = statSync(file).size;
    process.stderr.write(
      `wrote ${entries} entries, ${(bytes / 2 ** 30).toFixed(2)} GiB in ${writeSeconds.toFixed(1)} s; streaming…\n`,
    );
    const figures = JSON.parse(runChild('read', file)) as ReadFigures;
    if (figures.records !== entries) throw new Error(`streamed ${figures.records} of ${entries} entries`);
    const dryRun = JSON.parse(runChild('dry-run', file)) as DryRunFigures;
    if (dryRun.records !== entries) throw new Error(`dry run read ${dryRun.records} of ${entries} entries`);
    const steady = figures.rssSamplesMiB.slice(Math.floor(figures.rssSamplesMiB.length / 10));
    const folder = createRunFolder('migrator-bundle-stream');
    writeRunJson(
      folder,
      'migrator-bundle-stream',
      { gib, bundleBytes: bytes, entries, templates: templates.length },
      {
        ...figures,
        medianRssMiB: median(steady),
        maxOverMedianRss: Math.max(...steady) / median(steady),
        writeSeconds,
        dryRun,
      },
    );
    process.stdout.write(
      `${entries} entries, ${(bytes / 2 ** 30).toFixed(2)} GiB streamed in ${figures.seconds.toFixed(1)} s (${figures.megabytesPerSecond.toFixed(1)} MiB/s), peak RSS ${figures.peakRssMiB.toFixed(0)} MiB, median RSS ${median(steady).toFixed(0)} MiB; dry run ${dryRun.recordsPerSecond.toFixed(0)} records/s on ${dryRun.workers} workers, peak RSS ${dryRun.peakRssMiB.toFixed(0)} MiB → ${folder}\n`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<void> {
  if (args[0] === '--child' && args[1] === 'read') await childRead(args[2] ?? '');
  else if (args[0] === '--child' && args[1] === 'dry-run') await childDryRun(args[2] ?? '');
  else await main(args);
}
