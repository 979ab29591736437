/**
 * What `fhirledger bench devnet` makes of its measurements: medians over runs per workload and concurrency, and the
 * machine-written README.md of the results folder. Pure: no devnet, no clock.
 */
import os from 'node:os';
import type { BenchDevnetConfig } from './bench-devnet-config.js';
import type { ProfileSummary } from './cpu-profile.js';
import { describeEnvironment, median } from './run-folder.js';

export interface Measurement {
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

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface Summary {
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

export function readme(
  config: BenchDevnetConfig,
  workload: { recordsPerTx: number; recordConcurrency: number },
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
    `One devnet per run (dev profile: 1 orderer, peer0.org1, CA, EHR chaincode server, plus the test contract's server), ${config.runs} runs, medians shown. The client is this process, on the same machine, one gRPC connection; every proposal, endorsement and block signature is checked. Latency is submit → commit status (\`submitAsync\` then \`getStatus()\`). Puts are blind 1 KB writes to fresh keys (\`shimtest.put\`); CreateRecords carries ${workload.recordsPerTx} Patients per transaction, ${workload.recordConcurrency} in flight, as the profile's \`migrator\` (ledger-client, fabric-gateway's own signer). The puts' client signer: \`${config.clientSigner}\`.`,
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
