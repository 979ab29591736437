/**
 * Reads Caliper's results back: the summary table of report.html (`--caliper-report-path`) or, when Caliper died
 * before writing it, the `### All test results ###` table in its log. Caliper exits 0 even when every transaction
 * failed, so this table is the only verdict there is. Pure: text in, rounds out.
 */
export interface CaliperRoundResult {
  label: string;
  succ: number;
  fail: number;
  sendRateTps: number;
  /** Seconds; null when the round had no successful transaction (Caliper prints "-"). */
  maxLatencyS: number | null;
  minLatencyS: number | null;
  avgLatencyS: number | null;
  throughputTps: number;
}

export class CaliperReportError extends Error {
  readonly code = 'CALIPER_REPORT_UNREADABLE';
  constructor(message: string) {
    super(message);
    this.name = 'CaliperReportError';
  }
}

const COLUMNS = {
  label: 'Name',
  succ: 'Succ',
  fail: 'Fail',
  sendRateTps: 'Send Rate (TPS)',
  maxLatencyS: 'Max Latency (s)',
  minLatencyS: 'Min Latency (s)',
  avgLatencyS: 'Avg Latency (s)',
  throughputTps: 'Throughput (TPS)',
} as const;

/** The first table of report.html is the summary: one row per round. */
export function parseReportHtml(html: string, source = 'report.html'): CaliperRoundResult[] {
  const table = /<table[^>]*>([\s\S]*?)<\/table>/i.exec(html);
  if (table?.[1] === undefined) throw new CaliperReportError(`${source} has no summary table`);
  const rows = [...table[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/gi)].map((cell) =>
      decodeHtml(cell[1] ?? '').trim(),
    ),
  );
  return fromRows(rows, source);
}

/** The last `### All test results ###` table in a Caliper manager log (console output, colours or not). */
export function parseCaliperLog(log: string, source = 'caliper.log'): CaliperRoundResult[] {
  const plain = stripAnsi(log);
  const marker = plain.lastIndexOf('### All test results ###');
  if (marker < 0) throw new CaliperReportError(`${source} has no "### All test results ###" table`);
  const rows: string[][] = [];
  for (const line of plain.slice(marker).split('\n').slice(1)) {
    const text = line.trim();
    if (text.startsWith('|'))
      rows.push(
        text
          .slice(1, text.endsWith('|') ? -1 : undefined)
          .split('|')
          .map((cell) => cell.trim()),
      );
    else if (rows.length > 0 && !text.startsWith('+') && text !== '') break;
  }
  // ramac borders: the separator under the header is a row of dashes.
  return fromRows(
    rows.filter((row) => !row.every((cell) => /^-+$/.test(cell))),
    source,
  );
}

export interface FailureReason {
  /** e.g. `submit CreateRecords` or `query ReadRecord`. */
  call: string;
  /** The peer's own message when the client error carried details, else the client error. */
  reason: string;
  count: number;
}

/**
 * Why transactions failed, from the peer-gateway connector's "Failed to perform …" log entries, most frequent first.
 * The connector appends the gateway's per-endpoint details ("-  host:port:message") on the lines after the entry.
 */
export function failureReasons(log: string): FailureReason[] {
  const lines = stripAnsi(log).split('\n');
  const counts = new Map<string, FailureReason>();
  lines.forEach((line, at) => {
    const entry = /Failed to perform (\w+) transaction \[([^\]]*)\].* with error: (.*)$/.exec(line);
    if (entry === null) return;
    const detail =
      lines[at + 1]?.trim() === 'Details:' ? /^-\s+\S+?:\d+:(.*)$/.exec(lines[at + 2]?.trim() ?? '') : null;
    const reason = (detail?.[1] ?? entry[3] ?? '').trim();
    const call = `${entry[1] ?? ''} ${entry[2] ?? ''}`;
    const key = `${call}\u0000${reason}`;
    const known = counts.get(key);
    if (known === undefined) counts.set(key, { call, reason, count: 1 });
    else known.count += 1;
  });
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** Caliper colours its log levels with ANSI escapes. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape character is what is being removed
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function fromRows(rows: string[][], source: string): CaliperRoundResult[] {
  const [header, ...body] = rows;
  if (header === undefined) throw new CaliperReportError(`${source}: the results table is empty`);
  const index = Object.fromEntries(
    Object.entries(COLUMNS).map(([key, title]) => {
      const at = header.indexOf(title);
      if (at < 0) {
        throw new CaliperReportError(
          `${source}: the results table has no "${title}" column (columns: ${header.join(', ')})`,
        );
      }
      return [key, at];
    }),
  ) as Record<keyof typeof COLUMNS, number>;
  return body.map((row, n) => {
    const cell = (key: keyof typeof COLUMNS): string => row[index[key]] ?? '';
    const where = `${source} row ${n + 1}`;
    return {
      label: cell('label'),
      succ: count(cell('succ'), `${where} Succ`),
      fail: count(cell('fail'), `${where} Fail`),
      sendRateTps: decimal(cell('sendRateTps'), `${where} Send Rate`),
      maxLatencyS: latency(cell('maxLatencyS'), `${where} Max Latency`),
      minLatencyS: latency(cell('minLatencyS'), `${where} Min Latency`),
      avgLatencyS: latency(cell('avgLatencyS'), `${where} Avg Latency`),
      throughputTps: decimal(cell('throughputTps'), `${where} Throughput`),
    };
  });
}

function count(text: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new CaliperReportError(`${where} "${text}" is not a transaction count`);
  return Number(text);
}

function decimal(text: string, where: string): number {
  // Caliper divides by a zero duration when a round has one transaction: "Infinity" / "NaN" are its answers then.
  if (!/^(\d+(\.\d+)?|Infinity|NaN)$/.test(text))
    throw new CaliperReportError(`${where} "${text}" is not a number`);
  return Number(text);
}

function latency(text: string, where: string): number | null {
  return text === '-' ? null : decimal(text, where);
}

function decodeHtml(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
