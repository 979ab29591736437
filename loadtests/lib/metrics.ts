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
