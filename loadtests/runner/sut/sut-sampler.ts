/**
 * Samples the system under test once per interval while k6 runs: per process CPU % (utime + stime over wall time,
 * 100 % = one core busy, as `top` shows it), resident memory, block-layer read/write bytes, and TCP bytes of the
 * process's sockets; plus the loopback interface's total for all processes. A process that exits (or whose pid now
 * names another process) is marked exited at that time and no longer read; the run goes on.
 */
import { performance } from 'node:perf_hooks';
import type { ProcessReading, ProcSource } from './proc-reader.js';
import { SocketTally } from './socket-tally.js';

export type SutRole =
  'orderer' | 'raft' | 'peer' | 'ca' | 'chaincode' | 'gateway' | 'load generator' | 'process';

export interface SutTarget {
  name: string;
  role: SutRole;
  pid: number;
}

export interface SutSample {
  /** Milliseconds since the monitor started. */
  tMs: number;
  /** CPU over the interval since the previous sample; 100 = one core fully busy. */
  cpuPercent: number;
  rssBytes: number;
  /** Cumulative since the process's first reading; null when /proc/PID/io is not readable. */
  diskReadBytes: number | null;
  diskWriteBytes: number | null;
  /** Cumulative since the first reading, summed over the process's TCP sockets; null when `ss` is unavailable. */
  tcpReceivedBytes: number | null;
  tcpSentBytes: number | null;
}

export interface SutTrack extends SutTarget {
  /** Null when the pid did not name a live process when it was added. */
  firstReadingMs: number | null;
  /** When the process was first found gone; null if it ran until the monitor stopped. */
  exitedAtMs: number | null;
  samples: SutSample[];
}

export interface SutRecording {
  startedAt: string;
  intervalMs: number;
  durationMs: number;
  clockTicksPerSecond: number;
  /** False when `ss` could not be run: traffic columns are then not measured. */
  tcpMeasured: boolean;
  /** Bytes through the loopback interface since the start, all processes on the host together. */
  loopback: { tMs: number; bytes: number }[];
  /** Failures of single ticks (unparseable /proc text); sampling went on. */
  errors: string[];
  tracks: SutTrack[];
}

export interface SutMonitor {
  /** Adds a process started just now (k6): every socket it has is new, so all its traffic counts. */
  add(target: SutTarget): void;
  stop(): Promise<SutRecording>;
}

interface TrackState {
  track: SutTrack;
  previous: { reading: ProcessReading; atMs: number } | undefined;
  first: ProcessReading | undefined;
  tally: SocketTally;
  tallyStarted: boolean;
  freshProcess: boolean;
}

export interface SutMonitorOptions {
  intervalMs: number;
  /** Stops taking samples after this many ticks (a soak of hours still ends). */
  maxTicks: number;
}

export async function startSutMonitor(
  targets: readonly SutTarget[],
  source: ProcSource,
  options: SutMonitorOptions = { intervalMs: 1000, maxTicks: 86_400 },
): Promise<SutMonitor> {
  const startedAt = new Date().toISOString();
  const origin = performance.now();
  const since = (): number => performance.now() - origin;
  const states: TrackState[] = [];
  const loopback: SutRecording['loopback'] = [];
  const errors: string[] = [];
  const loopbackStart = source.loopback()?.receivedBytes;
  let tcpMeasured = true;
  let ticks = 0;

  const add = (target: SutTarget, freshProcess: boolean): void => {
    const reading = source.readProcess(target.pid);
    const atMs = since();
    const live = reading !== 'gone';
    states.push({
      track: { ...target, firstReadingMs: live ? atMs : null, exitedAtMs: live ? null : atMs, samples: [] },
      previous: live ? { reading, atMs } : undefined,
      first: live ? reading : undefined,
      tally: new SocketTally(),
      tallyStarted: false,
      freshProcess,
    });
  };

  const tick = async (): Promise<void> => {
    ticks += 1;
    const sockets = await source.tcpSockets();
    if (sockets === undefined) tcpMeasured = false;
    const lo = source.loopback();
    if (lo !== undefined && loopbackStart !== undefined)
      loopback.push({ tMs: since(), bytes: lo.receivedBytes - loopbackStart });
    for (const state of states) {
      if (state.track.exitedAtMs !== null || state.previous === undefined || state.first === undefined)
        continue;
      const reading = source.readProcess(state.track.pid);
      const atMs = since();
      if (reading === 'gone' || reading.startTicks !== state.first.startTicks) {
        state.track.exitedAtMs = atMs;
        continue;
      }
      const own = sockets?.get(state.track.pid) ?? [];
      state.tally.observe(own, !state.tallyStarted && !state.freshProcess);
      state.tallyStarted = true;
      const elapsedS = (atMs - state.previous.atMs) / 1000;
      const cpuS = (reading.cpuTicks - state.previous.reading.cpuTicks) / source.clockTicksPerSecond;
      const tcp = state.tally.totals();
      state.track.samples.push({
        tMs: Math.round(atMs),
        cpuPercent: elapsedS > 0 ? (cpuS / elapsedS) * 100 : 0,
        rssBytes: reading.rssBytes,
        diskReadBytes: delta(reading.readBytes, state.first.readBytes),
        diskWriteBytes: delta(reading.writeBytes, state.first.writeBytes),
        tcpReceivedBytes: sockets === undefined ? null : tcp.receivedBytes,
        tcpSentBytes: sockets === undefined ? null : tcp.sentBytes,
      });
      state.previous = { reading, atMs };
    }
  };

  // Sockets open before the run count only their later bytes: take their counters now.
  const baselineSockets = await source.tcpSockets();
  for (const target of targets) add(target, false);
  for (const state of states) {
    if (baselineSockets === undefined) break;
    state.tally.observe(baselineSockets.get(state.track.pid) ?? [], true);
    state.tallyStarted = true;
  }

  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped || ticks >= options.maxTicks) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => {
          errors.push(error instanceof Error ? error.message : String(error));
        })
        .finally(schedule);
    }, options.intervalMs);
  };
  schedule();

  return {
    add: (target) => {
      add(target, true);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      // One last sample so that a run shorter than the interval still has one.
      await tick().catch((error: unknown) => {
        errors.push(error instanceof Error ? error.message : String(error));
      });
      return {
        startedAt,
        intervalMs: options.intervalMs,
        durationMs: Math.round(since()),
        clockTicksPerSecond: source.clockTicksPerSecond,
        tcpMeasured,
        loopback,
        errors,
        tracks: states.map((s) => s.track),
      };
    },
  };
}

function delta(now: number | null, first: number | null): number | null {
  return now === null || first === null ? null : now - first;
}
