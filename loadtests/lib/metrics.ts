/**
 * Custom metrics every scenario emits. Fabric phase trends come from the gateway's Server-Timing header; the
 * acknowledged-write counter carries the record key and the acknowledged version in the sample's *metadata* (not
 * tags), so the raw JSON output lists every write the gateway acknowledged without creating one time series per id.
 */
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import { parseServerTiming } from './server-timing.ts';

export const fabricEndorse = new Trend('fabric_endorse', true);
export const fabricSubmit = new Trend('fabric_submit', true);
export const fabricCommit = new Trend('fabric_commit', true);
export const acknowledgedWrites = new Counter('acknowledged_writes');
/** One sample per request answered outside 2xx (or not at all), tagged with the gateway's OperationOutcome code. */
export const failedRequests = new Counter('failed_requests');

/**
 * Why a request failed, for the report's "which layer" table: the code of the OperationOutcome the gateway sent
 * (`GW_OVERLOADED`, `CC_ERR_FORBIDDEN`, `MVCC_READ_CONFLICT`, …), `no-response` when nothing came back (k6's
 * timeout or a refused connection), `not-an-OperationOutcome` otherwise. A handful of codes, so tags stay cheap.
 */
export function recordFailure(status: number, body: Record<string, unknown> | undefined, op: string): void {
  if (status >= 200 && status < 300) return;
  let code = status === 0 ? 'no-response' : 'not-an-OperationOutcome';
  if (body?.resourceType === 'OperationOutcome') {
    const issue = (body.issue as { details?: { coding?: { code?: unknown }[] } }[] | undefined)?.[0];
    const given = issue?.details?.coding?.[0]?.code;
    if (typeof given === 'string' && /^[A-Z0-9_]{1,64}$/.test(given)) code = given;
  }
  failedRequests.add(1, { op, status: String(status), code });
}

export function recordFabricPhases(serverTiming: string | undefined, tags: Record<string, string>): void {
  const phases = parseServerTiming(serverTiming);
  if (phases.endorse !== undefined) fabricEndorse.add(phases.endorse, tags);
  if (phases.submit !== undefined) fabricSubmit.add(phases.submit, tags);
  if (phases.commit !== undefined) fabricCommit.add(phases.commit, tags);
}

/** The version in a weak ETag (`W/"3"` → `3`), or '' when the header is not one. */
export function versionOfEtag(etag: string | undefined): string {
  const match = /^W\/"([^"]+)"$/.exec(etag ?? '');
  return match?.[1] ?? '';
}

/**
 * A create or modify the gateway answered 2xx: the ledger must hold `version` of `recordKey` (`Type/id`). The
 * runner's audit reads each one back from the ledger after the run.
 */
export function recordAcknowledgedWrite(
  recordKey: string,
  version: string,
  tags: Record<string, string>,
): void {
  const metadata = exec.vu.metrics.metadata;
  // `record` and `version` are the metadata keys the runner reads from `acknowledged_writes` points
  // (runner/observations.ts).
  metadata.record = recordKey;
  metadata.version = version;
  try {
    acknowledgedWrites.add(1, tags);
  } finally {
    // Metadata sticks to the VU; without this every later sample of the VU would carry the id.
    delete metadata.record;
    delete metadata.version;
  }
}
