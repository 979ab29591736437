/**
 * Turns k6's raw JSON output (one JSON object per line) into the few facts the report needs: every HTTP request
 * (time, duration, op, status, ok), the active-VU samples, and every write (record key and version) the gateway
 * acknowledged with a 2xx. Pure: it reads lines from any async iterable; the file/gzip edge lives in points-file.ts.
 */

export interface RequestSample {
  /** Epoch ms at which k6 stamped the sample (the response's end). */
  timeMs: number;
  durationMs: number;
  op: string;
  /** The caliper round's send rate, when the scenario tagged one. */
  rate: string | undefined;
  status: number;
  ok: boolean;
}

/** A create or modify the gateway answered 2xx: the ledger must hold `version` of `key`. */
export interface AcknowledgedWrite {
  /** `Type/id`. */
  key: string;
  /** The version of the acknowledging ETag; '' when the answer carried none. */
  version: string;
  op: string;
}

/** Failed requests of one operation, status and OperationOutcome code (`failed_requests` samples). */
export interface FailureCount {
  op: string;
  status: number;
  code: string;
  count: number;
}

export interface LoadObservations {
  requests: RequestSample[];
  vus: { timeMs: number; value: number }[];
  /** Every acknowledged write, in order. */
  acknowledged: AcknowledgedWrite[];
  /** Why requests failed, most frequent first; empty when none did (or the script records none). */
  failures: FailureCount[];
  /** Iterations an arrival-rate scenario never started because no VU was free, by scenario name. */
  droppedIterations: Record<string, number>;
}

interface PointLine {
  type?: unknown;
  metric?: unknown;
  data?: {
    time?: unknown;
    value?: unknown;
    tags?: Record<string, unknown>;
    metadata?: Record<string, unknown>;
  };
}

function tagText(tags: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = tags?.[name];
  return typeof value === 'string' ? value : undefined;
}

export async function collectObservations(
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<LoadObservations> {
  const requests: RequestSample[] = [];
  const vus: LoadObservations['vus'] = [];
  const acknowledged: AcknowledgedWrite[] = [];
  const failures = new Map<string, FailureCount>();
  const droppedIterations: Record<string, number> = {};
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line === '') continue;
    let point: PointLine;
    try {
      point = JSON.parse(line) as PointLine;
    } catch (error) {
      throw new SyntaxError(`k6 JSON output line ${lineNumber} is not JSON: ${line.slice(0, 80)}`, {
        cause: error,
      });
    }
    if (point.type !== 'Point' || point.data === undefined) continue;
    const { time, value, tags, metadata } = point.data;
    if (typeof time !== 'string' || typeof value !== 'number') continue;
    const timeMs = Date.parse(time);
    switch (point.metric) {
      case 'http_req_duration':
        requests.push({
          timeMs,
          durationMs: value,
          op: tagText(tags, 'op') ?? tagText(tags, 'name') ?? 'untagged',
          rate: tagText(tags, 'rate'),
          status: Number(tagText(tags, 'status') ?? '0'),
          ok: tagText(tags, 'expected_response') === 'true',
        });
        break;
      case 'vus':
        vus.push({ timeMs, value });
        break;
      case 'dropped_iterations': {
        const scenario = tagText(tags, 'scenario') ?? 'untagged';
        droppedIterations[scenario] = (droppedIterations[scenario] ?? 0) + value;
        break;
      }
      case 'failed_requests': {
        const op = tagText(tags, 'op') ?? 'untagged';
        const status = Number(tagText(tags, 'status') ?? '0');
        const code = tagText(tags, 'code') ?? 'unknown';
        const key = `${op} ${status} ${code}`;
        const entry = failures.get(key) ?? { op, status, code, count: 0 };
        entry.count += value;
        failures.set(key, entry);
        break;
      }
      case 'acknowledged_writes': {
        const record = metadata?.record;
        const version = metadata?.version;
        if (typeof record === 'string') {
          acknowledged.push({
            key: record,
            version: typeof version === 'string' ? version : '',
            op: tagText(tags, 'op') ?? 'untagged',
          });
        }
        break;
      }
      default:
        break;
    }
  }
  return {
    requests,
    vus,
    acknowledged,
    failures: [...failures.values()].sort((a, b) => b.count - a.count || a.op.localeCompare(b.op)),
    droppedIterations,
  };
}
