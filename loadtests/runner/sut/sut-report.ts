/**
 * report.md's "System under test" section: paper 002 Tables 4–5 (memory, CPU, traffic, disk per process) for the
 * devnet nodes and the gateway, the load generator apart, and what each column really measures. Pure.
 */
import { markdownTable } from '../markdown-table.js';
import type { SutRecording } from './sut-sampler.js';
import { loopbackMb, sutRows, type SutRow } from './sut-summary.js';

export interface SutReportInput {
  /** Undefined when no process was given or found to monitor. */
  recording: SutRecording | undefined;
  /** File names next to report.md. */
  rawFile: string;
  chartFile: string;
  /** Why no system-under-test process (or nothing at all) was monitored, shown instead of a table. */
  notMonitoredReason: string;
}

const one = (value: number | null): string =>
  value === null ? 'n/a' : Number.isFinite(value) ? value.toFixed(1) : '–';

const HEADER = [
  'type',
  'name',
  'pid',
  'memory max (MB)',
  'memory avg (MB)',
  'CPU max (%)',
  'CPU avg (%)',
  'disk read (MB)',
  'disk write (MB)',
  'TCP in (MB)',
  'TCP out (MB)',
  'samples',
  'status',
];

function rowCells(row: SutRow): string[] {
  return [
    row.role,
    row.name,
    String(row.pid),
    one(row.memoryMaxMb),
    one(row.memoryAvgMb),
    one(row.cpuMaxPercent),
    one(row.cpuAvgPercent),
    one(row.diskReadMb),
    one(row.diskWriteMb),
    one(row.tcpInMb),
    one(row.tcpOutMb),
    String(row.samples),
    row.status,
  ];
}

export function sutSection(input: SutReportInput): string[] {
  const out = ['## System under test', ''];
  const recording = input.recording;
  if (recording === undefined) return [...out, `_not monitored: ${input.notMonitoredReason}_`, ''];
  const { sut, loadGenerator } = sutRows(recording);
  out.push(
    `Sampled every ${recording.intervalMs / 1000} s for ${(recording.durationMs / 1000).toFixed(0)} s while k6 ran ` +
      `(raw samples: [${input.rawFile}](${input.rawFile})); the columns of paper 002 Tables 4–5. ` +
      'CPU = utime + stime from `/proc/PID/stat` over wall time, 100 % = one core busy (as `top` shows it; this ' +
      'machine may have several). Memory = resident set (`VmRSS`). Disk = `read_bytes` / `write_bytes` of ' +
      '`/proc/PID/io`: bytes that reached the block layer (page-cache hits are not reads; writes may be flushed ' +
      'later). TCP in/out = `bytes_received` / `bytes_sent` of the TCP sockets the process holds (`ss -tinp`), ' +
      'summed per connection: a lower bound, since a connection opened and closed between two samples is not seen.',
    '',
    `![CPU and resident memory per process](${input.chartFile})`,
    '',
    sut.length === 0
      ? `_no system-under-test process was monitored: ${input.notMonitoredReason}_`
      : markdownTable(HEADER, sut.map(rowCells)),
    '',
  );
  if (loadGenerator.length > 0) {
    out.push(
      'Load generator (on the same machine, competing for the same cores; not part of the system under test):',
      '',
      markdownTable(HEADER, loadGenerator.map(rowCells)),
      '',
    );
  }
  const loopback = loopbackMb(recording);
  out.push(
    loopback === undefined
      ? 'Loopback traffic: not read (`/proc/net/dev` has no `lo`).'
      : `Loopback interface, **all processes on this host** together (\`/proc/net/dev\` \`lo\`, not only the ` +
          `processes above): ${loopback.toFixed(1)} MB during the run.`,
  );
  if (!recording.tcpMeasured) out.push('', '`ss` could not be run: the TCP columns are not measured (n/a).');
  if (recording.errors.length > 0)
    out.push('', `Sampling errors (${recording.errors.length}), first: \`${recording.errors[0] ?? ''}\``);
  out.push('');
  return out;
}
