/**
 * Before/after page for `bench devnet` runs made in one session: each argument is `label=DIR` (the label names the
 * build, e.g. `base-236ece2`, since run.json records the checkout's HEAD, not the dist a run used), DIR holding the run
 * folders (`<date>-devnet…`, each with its run.json) of one build or setting; the page shows, per label and
 * workload, the median of committed tx/s, p50, p95 and CPU seconds per 1 000 transactions over those runs, with
 * the load averages seen.
 *
 *   node dist/bench/compare-devnet-runs.js --out FILE base=/tmp/ab/base new=/tmp/ab/new
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median } from './run-folder.js';

interface RunJson {
  config: { command: string; clientSigner?: string };
  figures: {
    runs: {
      workload: string;
      concurrency: number;
      committed: number;
      committedPerSecond: number;
      p50Ms: number;
      p95Ms: number;
      cpuSeconds: Record<string, number>;
      loadAverage: number[];
    }[][];
  };
}

function load(dir: string): RunJson[] {
  return readdirSync(dir)
    .filter((name) => name.includes('devnet'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name, 'run.json'), 'utf8')) as RunJson);
}

function main(argv: readonly string[]): void {
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const pairs = argv.filter((arg, i) => arg.includes('=') && i !== outIndex + 1);
  if (out === undefined || pairs.length === 0) {
    process.stderr.write('usage: compare-devnet-runs.js --out FILE label=DIR ...\n');
    process.exitCode = 2;
    return;
  }
  const lines = [
    '# fabric-devnet before/after, one session',
    '',
    'Machine-written by `bench/compare-devnet-runs.ts` — do not edit. Medians over the runs of each label; the runs',
    'of the labels were interleaved (label A run 1, label B run 1, …) so machine load hits them alike.',
    '',
    '| label | runs | workload | in flight | committed tx/s | p50 ms | p95 ms | CPU s / 1k tx (peer, orderer, chaincode, client) | load avg (1 min) per run |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const commands: string[] = [];
  for (const pair of pairs) {
    const [label = '', dir = ''] = pair.split('=');
    const runs = load(dir);
    const first = runs[0];
    if (first === undefined) continue;
    commands.push(`- ${label}: \`${first.config.command}\` (${runs.length} runs, from ${dir})`);
    const measurements = runs.flatMap((run) => run.figures.runs.flat());
    const keys = [...new Set(measurements.map((m) => `${m.workload}@${m.concurrency}`))];
    for (const key of keys) {
      const group = measurements.filter((m) => `${m.workload}@${m.concurrency}` === key);
      const perK = (pick: (cpu: Record<string, number>) => number) =>
        median(group.map((m) => (pick(m.cpuSeconds) / Math.max(1, m.committed)) * 1000)).toFixed(2);
      const sum = (cpu: Record<string, number>, prefix: string) =>
        Object.entries(cpu)
          .filter(([name]) => name.startsWith(prefix))
          .reduce((total, [, seconds]) => total + seconds, 0);
      const m0 = group[0];
      if (m0 === undefined) continue;
      lines.push(
        `| ${label} | ${group.length} | ${m0.workload} | ${m0.concurrency} | ${median(group.map((m) => m.committedPerSecond)).toFixed(1)} | ${median(group.map((m) => m.p50Ms)).toFixed(0)} | ${median(group.map((m) => m.p95Ms)).toFixed(0)} | ${perK((c) => sum(c, 'peer'))}, ${perK((c) => sum(c, 'orderer'))}, ${perK((c) => sum(c, 'chaincode'))}, ${perK((c) => sum(c, 'client'))} | ${group.map((m) => (m.loadAverage[0] ?? 0).toFixed(1)).join(' ')} |`,
      );
    }
  }
  lines.push('', 'Commands:', '', ...commands, '');
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(`${out}\n`);
}

main(process.argv.slice(2));
