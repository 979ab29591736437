/**
 * Parsers for the Linux texts the SUT monitor reads: /proc/PID/stat, /proc/PID/status, /proc/PID/io,
 * /proc/net/dev and `ss -tinpH`. Pure: text in, numbers out, so each format is tested on fixture text.
 */
import { LoadError } from '../load-error.js';

export interface ProcStat {
  /** R, S, D, Z (zombie), X (dead), … */
  state: string;
  /** utime + stime of every thread, in clock ticks (CLK_TCK). */
  cpuTicks: number;
  /** Start time after boot in clock ticks: with the pid, it names one process (pids are reused). */
  startTicks: number;
}

function unreadable(source: string, expected: string, text: string): LoadError {
  return new LoadError(
    'LOAD_PROC_UNREADABLE',
    `${source} is not ${expected}: "${text.slice(0, 80).replace(/\n/g, '\\n')}"`,
  );
}

/** proc(5): the command name is in parentheses and may itself hold spaces and ')', so split after the last ')'. */
export function parseProcStat(text: string, source: string): ProcStat {
  const close = text.lastIndexOf(')');
  const fields =
    close < 0
      ? []
      : text
          .slice(close + 1)
          .trim()
          .split(/\s+/);
  // After the name: field 3 (state) is index 0, so field n is index n - 3.
  const state = fields[0];
  const [utime, stime, start] = [fields[11], fields[12], fields[19]].map(Number);
  if (
    state === undefined ||
    !/^[A-Za-z]$/.test(state) ||
    !Number.isInteger(utime) ||
    !Number.isInteger(stime) ||
    !Number.isInteger(start)
  ) {
    throw unreadable(source, 'a /proc/PID/stat line (pid (comm) state … utime stime … starttime …)', text);
  }
  return { state, cpuTicks: (utime ?? 0) + (stime ?? 0), startTicks: start ?? 0 };
}

/** Resident set size from /proc/PID/status (`VmRSS: 1936 kB`); undefined for processes without memory (zombies). */
export function parseVmRssBytes(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

export interface ProcIo {
  /** Bytes this process caused to be fetched from the block layer (page-cache hits are not counted). */
  readBytes: number;
  /** Bytes this process caused to be sent to the block layer (written back, possibly later). */
  writeBytes: number;
}

export function parseProcIo(text: string, source: string): ProcIo {
  const value = (key: string): number | undefined => {
    const match = new RegExp(`^${key}: (\\d+)$`, 'm').exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const readBytes = value('read_bytes');
  const writeBytes = value('write_bytes');
  if (readBytes === undefined || writeBytes === undefined)
    throw unreadable(source, 'a /proc/PID/io text with read_bytes and write_bytes', text);
  return { readBytes, writeBytes };
}

export interface InterfaceBytes {
  receivedBytes: number;
  sentBytes: number;
}

/** One interface's byte counters from /proc/net/dev (`lo: rx_bytes rx_packets … tx_bytes …`). */
export function parseNetDevBytes(text: string, iface: string): InterfaceBytes | undefined {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() !== iface) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const [receivedBytes, sentBytes] = [fields[0], fields[8]];
    if (receivedBytes === undefined || sentBytes === undefined || fields.some((f) => !Number.isFinite(f)))
      throw unreadable('/proc/net/dev', `a counter line for ${iface}`, line);
    return { receivedBytes, sentBytes };
  }
  return undefined;
}

export interface SocketBytes {
  /** `local peer` addresses: one TCP connection as this process sees it. */
  key: string;
  /** tcp_info bytes_sent (payload bytes handed to the wire, retransmissions included). */
  sentBytes: number;
  /** tcp_info bytes_received (payload bytes received in order). */
  receivedBytes: number;
}

/**
 * `ss -tinpH`: each connection is a line `STATE recv-q send-q local peer users:(("name",pid=N,fd=M),…)` followed by
 * an indented tcp_info line. A socket shared by several processes (inherited) counts for each of them.
 */
export function parseSsSockets(text: string): Map<number, SocketBytes[]> {
  const byPid = new Map<number, SocketBytes[]>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const head = lines[i] ?? '';
    if (head === '' || /^\s/.test(head)) continue;
    const info = lines[i + 1] ?? '';
    if (!/^\s/.test(info)) continue;
    i += 1;
    const columns = head.trim().split(/\s+/);
    const [local, peer] = [columns[3], columns[4]];
    if (local === undefined || peer === undefined) continue;
    const pids = [...head.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    const counter = (name: string): number => Number(new RegExp(`\\b${name}:(\\d+)`).exec(info)?.[1] ?? 0);
    const socket = {
      key: `${local} ${peer}`,
      sentBytes: counter('bytes_sent'),
      receivedBytes: counter('bytes_received'),
    };
    for (const pid of new Set(pids)) {
      const list = byPid.get(pid) ?? [];
      list.push(socket);
      byPid.set(pid, list);
    }
  }
  return byPid;
}
