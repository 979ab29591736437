/**
 * The SUT monitor's edge to the operating system: reads /proc for one pid, the loopback counters, the clock tick
 * rate, and runs `ss` for per-socket TCP byte counters. Everything it returns is parsed by proc-parsers.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LoadError } from '../load-error.js';
import {
  parseNetDevBytes,
  parseProcIo,
  parseProcStat,
  parseSsSockets,
  parseVmRssBytes,
  type InterfaceBytes,
  type SocketBytes,
} from './proc-parsers.js';

export interface ProcessReading {
  cpuTicks: number;
  startTicks: number;
  rssBytes: number;
  /** Null when /proc/PID/io is not readable for us (another user's process). */
  readBytes: number | null;
  writeBytes: number | null;
}

/** What the sampler needs from the machine; tests may point procRoot at a copy. */
export interface ProcSource {
  readProcess(pid: number): ProcessReading | 'gone';
  /** Per-pid TCP sockets, or undefined when `ss` cannot be run. */
  tcpSockets(): Promise<Map<number, SocketBytes[]> | undefined>;
  loopback(): InterfaceBytes | undefined;
  clockTicksPerSecond: number;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

/** A file of a process that may vanish between two reads: ENOENT/ESRCH mean it is gone, EACCES that it is not ours. */
function readProcFile(file: string): { text: string } | 'gone' | 'denied' {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return 'gone';
    if (code === 'EACCES' || code === 'EPERM') return 'denied';
    throw new LoadError('LOAD_PROC_UNREADABLE', `cannot read ${file}: ${String(error)}`, { cause: error });
  }
}

export function readProcessFrom(procRoot: string, pid: number): ProcessReading | 'gone' {
  const statFile = `${procRoot}/${pid}/stat`;
  const statText = readProcFile(statFile);
  if (statText === 'gone' || statText === 'denied') return 'gone';
  const stat = parseProcStat(statText.text, statFile);
  // A zombie has exited and only waits to be reaped; it uses no CPU or memory any more.
  if (stat.state === 'Z' || stat.state === 'X') return 'gone';
  const statusText = readProcFile(`${procRoot}/${pid}/status`);
  if (statusText === 'gone') return 'gone';
  const rssBytes = statusText === 'denied' ? 0 : (parseVmRssBytes(statusText.text) ?? 0);
  const ioFile = `${procRoot}/${pid}/io`;
  const ioText = readProcFile(ioFile);
  if (ioText === 'gone') return 'gone';
  const io = ioText === 'denied' ? null : parseProcIo(ioText.text, ioFile);
  return {
    cpuTicks: stat.cpuTicks,
    startTicks: stat.startTicks,
    rssBytes,
    readBytes: io?.readBytes ?? null,
    writeBytes: io?.writeBytes ?? null,
  };
}

function runSs(): Promise<Map<number, SocketBytes[]> | undefined> {
  return new Promise((resolve) => {
    execFile('ss', ['-tinpH'], { timeout: 5000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      // No ss, or it failed: traffic is reported as not measured rather than as zero.
      resolve(error === null ? parseSsSockets(stdout) : undefined);
    });
  });
}

/** sysconf(_SC_CLK_TCK), the unit of utime/stime; Node has no sysconf, getconf prints it. */
function clockTicks(): number {
  const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim();
  const ticks = Number(text);
  if (!Number.isInteger(ticks) || ticks <= 0)
    throw new LoadError('LOAD_PROC_UNREADABLE', `getconf CLK_TCK printed "${text}", not a tick rate`);
  return ticks;
}

export function linuxProcSource(procRoot = '/proc'): ProcSource {
  return {
    readProcess: (pid) => readProcessFrom(procRoot, pid),
    tcpSockets: runSs,
    loopback: () => {
      const text = readProcFile(`${procRoot}/net/dev`);
      return text === 'gone' || text === 'denied' ? undefined : parseNetDevBytes(text.text, 'lo');
    },
    clockTicksPerSecond: clockTicks(),
  };
}
