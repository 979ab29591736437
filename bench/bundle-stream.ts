/**
 * Benchmark: stream a ≥ 1 GiB FHIR Bundle through the migrator's Bundle source and show that memory stays flat.
 * Writes the Bundle to a temp file (from a small generated population, ids made unique), reads it back in a child
 * process sampling RSS every 250 ms, deletes the file, and writes results/<date>-migrator-bundle-stream/.
 *
 *   node .build/NAME/migrator/bench-bundle-stream.js [--gib 1]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { childProcessArgs } from './experiments.js';
import { createRunFolder, median, writeRunJson } from './run-folder.js';
import { MANIFEST_FILE, writePopulation } from '../generators/index.js';
import { readBundle } from '../migrator/io/sources/bundle-source.js';

interface ChildFigures {
  records: number;
  seconds: number;
  megabytesPerSecond: number;
  peakRssMiB: number;
  rssSamplesMiB: number[];
}

async function child(file: string): Promise<void> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss() / 2 ** 20), 250);
  const started = performance.now();
  let records = 0;
  for await (const record of readBundle(file, false)) {
    if (record.value !== undefined) records += 1;
  }
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  const figures: ChildFigures = {
    records,
    seconds,
    megabytesPerSecond: statSync(file).size / 2 ** 20 / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    rssSamplesMiB: samples.map((mib) => Math.round(mib)),
  };
  process.stdout.write(JSON.stringify(figures));
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
    const run = spawnSync(process.execPath, childProcessArgs('bundle-stream', ['--child', file]), {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    const figures = JSON.parse(run.stdout) as ChildFigures;
    if (figures.records !== entries) throw new Error(`streamed ${figures.records} of ${entries} entries`);
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
      },
    );
    process.stdout.write(
      `${entries} entries, ${(bytes / 2 ** 30).toFixed(2)} GiB streamed in ${figures.seconds.toFixed(1)} s (${figures.megabytesPerSecond.toFixed(1)} MiB/s), peak RSS ${figures.peakRssMiB.toFixed(0)} MiB, median RSS ${median(steady).toFixed(0)} MiB → ${folder}\n`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<void> {
  if (args[0] === '--child') await child(args[1] ?? '');
  else await main(args);
}
