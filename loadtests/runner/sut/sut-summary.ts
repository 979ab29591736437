/** Paper 002 Tables 4–5 from a SUT recording: one row per process. Pure: recording in, rows out. */
import { extent, mean } from '../statistics.js';
import type { SutRecording, SutRole, SutTrack } from './sut-sampler.js';

export interface SutRow {
  name: string;
  role: SutRole;
  pid: number;
  samples: number;
  cpuAvgPercent: number;
  cpuMaxPercent: number;
  memoryAvgMb: number;
  memoryMaxMb: number;
  /** Null when not measurable (io not readable, ss unavailable). */
  diskReadMb: number | null;
  diskWriteMb: number | null;
  tcpInMb: number | null;
  tcpOutMb: number | null;
  /** "ran throughout", "exited at 12.0 s", "not running at start". */
  status: string;
}

const MB = 1024 * 1024;

function lastValue(track: SutTrack, pick: (s: SutTrack['samples'][number]) => number | null): number | null {
  const last = track.samples[track.samples.length - 1];
  if (last === undefined) return null;
  const value = pick(last);
  return value === null ? null : value / MB;
}

function status(track: SutTrack): string {
  if (track.firstReadingMs === null) return 'not running at start';
  if (track.exitedAtMs !== null) return `exited at ${(track.exitedAtMs / 1000).toFixed(1)} s`;
  return 'ran throughout';
}

export function sutRow(track: SutTrack): SutRow {
  const cpu = track.samples.map((s) => s.cpuPercent);
  const memory = track.samples.map((s) => s.rssBytes / MB);
  return {
    name: track.name,
    role: track.role,
    pid: track.pid,
    samples: track.samples.length,
    cpuAvgPercent: mean(cpu),
    cpuMaxPercent: cpu.length === 0 ? Number.NaN : extent(cpu).max,
    memoryAvgMb: mean(memory),
    memoryMaxMb: memory.length === 0 ? Number.NaN : extent(memory).max,
    diskReadMb: lastValue(track, (s) => s.diskReadBytes),
    diskWriteMb: lastValue(track, (s) => s.diskWriteBytes),
    tcpInMb: lastValue(track, (s) => s.tcpReceivedBytes),
    tcpOutMb: lastValue(track, (s) => s.tcpSentBytes),
    status: status(track),
  };
}

/** The system under test and the load generator apart: k6 is measured so its own cost is visible, not counted. */
export function sutRows(recording: SutRecording): { sut: SutRow[]; loadGenerator: SutRow[] } {
  const rows = recording.tracks.map(sutRow);
  return {
    sut: rows.filter((r) => r.role !== 'load generator'),
    loadGenerator: rows.filter((r) => r.role === 'load generator'),
  };
}

/** Loopback bytes over the whole recording, all processes on the host; undefined when not read. */
export function loopbackMb(recording: SutRecording): number | undefined {
  const last = recording.loopback[recording.loopback.length - 1];
  return last === undefined ? undefined : last.bytes / MB;
}
