/**
 * Custom metrics every scenario emits. Fabric phase trends come from the gateway's Server-Timing header; the
 * acknowledged-create counter carries the record key in the sample's *metadata* (not a tag), so the raw JSON
 * output lists every id the gateway acknowledged without creating one time series per id.
 */
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import { parseServerTiming } from './server-timing.ts';

export const fabricEndorse = new Trend('fabric_endorse', true);
export const fabricSubmit = new Trend('fabric_submit', true);
export const fabricCommit = new Trend('fabric_commit', true);
export const acknowledgedCreates = new Counter('acknowledged_creates');

export function recordFabricPhases(serverTiming: string | undefined, tags: Record<string, string>): void {
  const phases = parseServerTiming(serverTiming);
  if (phases.endorse !== undefined) fabricEndorse.add(phases.endorse, tags);
  if (phases.submit !== undefined) fabricSubmit.add(phases.submit, tags);
  if (phases.commit !== undefined) fabricCommit.add(phases.commit, tags);
}

export function recordAcknowledgedCreate(recordKey: string, tags: Record<string, string>): void {
  const metadata = exec.vu.metrics.metadata;
  // `record` is the metadata key the runner reads from `acknowledged_creates` points (runner/observations.ts).
  metadata.record = recordKey;
  try {
    acknowledgedCreates.add(1, tags);
  } finally {
    // Metadata sticks to the VU; without this every later sample of the VU would carry the id.
    delete metadata.record;
  }
}
