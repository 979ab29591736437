/**
 * The devnet's raw CreateRecords ceiling for `bench migrate-live`, measured at several ledger sizes: before the
 * migration, every few minutes during it (the migrator paused with SIGSTOP so the probe has the ledger to itself),
 * and after it. The ratio then compares the migration with the ceiling of the ledger and machine it actually ran on.
 */
import type { ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { ledgerForNamedIdentity, openLedgerSession } from '../ledger-client/index.js';

export interface CeilingProbe {
  /** Seconds of migration (paused time excluded) when the probe ran: 0 before it, its length after it. */
  atSeconds: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
}

export interface ProbeSettings {
  profile: string;
  /** The data set's files and how many records each holds: a probe sends the same mix of resource types. */
  files: { file: string; records: number }[];
  batchSize: number;
  concurrency: number;
}

/**
 * `count` records in the data set's mix of files (resource types), the first ones of each file, as JSON with ids
 * given `prefix` so they never meet migrated ones. The mix matters: the chaincode's work per record differs by type
 * (references indexed, compartments), so a probe of the first file's Organizations would measure another workload.
 */
export async function ceilingRecords(
  files: readonly { file: string; records: number }[],
  count: number,
  prefix: string,
): Promise<string[]> {
  const total = files.reduce((sum, entry) => sum + entry.records, 0);
  const records: string[] = [];
  for (const [index, entry] of files.entries()) {
    // Largest files last get the remainder, so the probe holds exactly `count` when the data set has that many.
    const share =
      index === files.length - 1 ? count - records.length : Math.round((count * entry.records) / total);
    const wanted = records.length + Math.min(share, entry.records);
    const lines = createInterface({ input: createReadStream(entry.file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (records.length >= wanted) break;
      if (line === '') continue;
      const record = JSON.parse(line) as { id: string };
      record.id = `${prefix}${record.id}`.slice(0, 64);
      records.push(JSON.stringify(record));
    }
  }
  return records;
}

/** Raw CreateRecords throughput: fixed batches, the migration's batch size and concurrency, nothing else. */
export async function measureCeiling(
  settings: ProbeSettings,
  batches: number,
  prefix: string,
  atSeconds: number,
): Promise<CeilingProbe> {
  const records = await ceilingRecords(settings.files, batches * settings.batchSize, prefix);
  const session = openLedgerSession(settings.profile, 'bench');
  try {
    const ledger = ledgerForNamedIdentity(session, 'migrator');
    const limit = pLimit(settings.concurrency);
    const chunks: string[][] = [];
    for (let i = 0; i < records.length; i += settings.batchSize)
      chunks.push(records.slice(i, i + settings.batchSize));
    let created = 0;
    const started = performance.now();
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          const committed = await ledger.createRecordsJson(chunk);
          created += committed.value.counts.created;
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    if (created !== records.length) throw new Error(`ceiling created ${created} of ${records.length}`);
    return { atSeconds, records: records.length, seconds, recordsPerSecond: records.length / seconds };
  } finally {
    session.close();
  }
}

/**
 * Every `intervalMs` while `child` runs: SIGSTOP it, let its in-flight batches commit (`settleMs`), measure the
 * ceiling, SIGCONT it. Resolves when the child has exited, with the probes and the total time it was paused.
 */
export async function probeWhileRunning(
  child: ChildProcess,
  settings: ProbeSettings,
  options: { intervalMs: number; settleMs: number; batches: number; startedAt: number },
): Promise<{ probes: CeilingProbe[]; pausedSeconds: number }> {
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  const probes: CeilingProbe[] = [];
  let pausedMs = 0;
  for (;;) {
    const waitUntil = performance.now() + options.intervalMs;
    while (!exited && performance.now() < waitUntil) await sleep(1000);
    if (exited) break;
    const pausedAt = performance.now();
    child.kill('SIGSTOP');
    try {
      await sleep(options.settleMs);
      const atSeconds = (pausedAt - options.startedAt - pausedMs) / 1000;
      probes.push(await measureCeiling(settings, options.batches, `cp${probes.length}-`, atSeconds));
    } finally {
      child.kill('SIGCONT');
      pausedMs += performance.now() - pausedAt;
    }
  }
  return { probes, pausedSeconds: pausedMs / 1000 };
}

/** The ceiling's mean over the run, each probe's rate held linearly to the next (trapezoids over atSeconds). */
export function timeWeightedMean(probes: readonly CeilingProbe[]): number {
  const sorted = [...probes].sort((a, b) => a.atSeconds - b.atSeconds);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('no ceiling probes');
  const span = last.atSeconds - first.atSeconds;
  if (span === 0) return sorted.reduce((sum, probe) => sum + probe.recordsPerSecond, 0) / sorted.length;
  let area = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    const a = sorted[i - 1] as CeilingProbe;
    const b = sorted[i] as CeilingProbe;
    area += ((a.recordsPerSecond + b.recordsPerSecond) / 2) * (b.atSeconds - a.atSeconds);
  }
  return area / span;
}
