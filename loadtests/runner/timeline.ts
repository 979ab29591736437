/** Requests, latency and active users per fixed time bucket (Gatling's "over time" charts as a table). */
import type { LoadObservations } from './observations.js';
import { extent, mean, percentile, sortedAscending } from './statistics.js';

export interface TimelineBucket {
  /** Seconds since the first sample. */
  startSecond: number;
  activeUsers: number;
  requestsPerSecond: number;
  meanMs: number;
  p95Ms: number;
  failed: number;
  failedPerSecond: number;
}

export function buildTimeline(observations: LoadObservations, bucketSeconds: number): TimelineBucket[] {
  if (observations.requests.length === 0 && observations.vus.length === 0) return [];
  const requestTimes = extent(observations.requests.map((r) => r.timeMs));
  const vuTimes = extent(observations.vus.map((v) => v.timeMs));
  const start = Math.min(requestTimes.min, vuTimes.min);
  const end = Math.max(requestTimes.max, vuTimes.max);
  const bucketMs = bucketSeconds * 1000;
  const count = Math.floor((end - start) / bucketMs) + 1;
  const durations: number[][] = Array.from({ length: count }, () => []);
  const failed = new Array<number>(count).fill(0);
  const users = new Array<number>(count).fill(0);
  const indexOf = (timeMs: number): number => Math.min(count - 1, Math.floor((timeMs - start) / bucketMs));
  for (const request of observations.requests) {
    const index = indexOf(request.timeMs);
    durations[index]?.push(request.durationMs);
    if (!request.ok) failed[index] = (failed[index] ?? 0) + 1;
  }
  for (const sample of observations.vus) {
    const index = indexOf(sample.timeMs);
    users[index] = Math.max(users[index] ?? 0, sample.value);
  }
  return durations.map((list, index) => {
    const sorted = sortedAscending(list);
    return {
      startSecond: index * bucketSeconds,
      activeUsers: users[index] ?? 0,
      requestsPerSecond: list.length / bucketSeconds,
      meanMs: mean(list),
      p95Ms: percentile(sorted, 95),
      failed: failed[index] ?? 0,
      failedPerSecond: (failed[index] ?? 0) / bucketSeconds,
    };
  });
}
