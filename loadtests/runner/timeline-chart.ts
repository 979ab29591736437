/**
 * timeline.svg: latency over time (mean and p95 per bucket, top panel) and throughput over time (requests per
 * second as a line, failed requests per second as bars, one per bucket that had any, bottom panel), drawn by
 * Vega-Lite from the run's buckets — the same buckets the report's timeline table prints, so chart and table
 * cannot disagree.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { TimelineBucket } from './timeline.js';
import { CHART_CONFIG, PANEL_WIDTH, renderVegaLite, secondsAxis, SERIES_COLOURS } from './vega-render.js';

const PANEL_HEIGHT = 180;
const SECONDS = secondsAxis('seconds since the first request');
const LATENCY_SERIES = ['mean response time', 'p95 response time'];
const THROUGHPUT_SERIES = ['requests/s', 'failed requests/s'];

export function timelineChartSpec(
  buckets: readonly TimelineBucket[],
  title: string,
  bucketSeconds: number,
): TopLevelSpec {
  // A bucket without requests has no latency: it is left out rather than drawn at 0 ms.
  const latency = buckets
    .filter((b) => Number.isFinite(b.meanMs))
    .flatMap((b) => [
      { second: b.startSecond, series: LATENCY_SERIES[0], ms: b.meanMs },
      { second: b.startSecond, series: LATENCY_SERIES[1], ms: b.p95Ms },
    ]);
  const requests = buckets.map((b) => ({
    second: b.startSecond,
    series: THROUGHPUT_SERIES[0],
    perSecond: b.requestsPerSecond,
  }));
  const failures = buckets
    .filter((b) => b.failed > 0)
    .map((b) => ({
      second: b.startSecond,
      end: b.startSecond + bucketSeconds,
      series: THROUGHPUT_SERIES[1],
      perSecond: b.failedPerSecond,
      failed: b.failed,
    }));
  const failedTotal = failures.reduce((sum, bucket) => sum + bucket.failed, 0);
  const throughputColour = {
    field: 'series',
    type: 'nominal',
    title: null,
    // Fixed domain: "failed requests/s" stays in the legend when a run had none.
    scale: { domain: THROUGHPUT_SERIES, range: [SERIES_COLOURS[1], SERIES_COLOURS[2]] },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: `${bucketSeconds} s buckets` },
    config: CHART_CONFIG,
    // One time axis for both panels, so a latency spike lines up with the throughput it came with.
    resolve: { scale: { x: 'shared', color: 'independent', strokeDash: 'independent' } },
    vconcat: [
      {
        title: 'latency over time',
        width: PANEL_WIDTH,
        height: PANEL_HEIGHT,
        data: { values: latency },
        // Points too while they can be told apart: a short run's few buckets would otherwise be bare segments.
        mark: { type: 'line', color: SERIES_COLOURS[0], point: latency.length <= 2 * 60 },
        encoding: {
          x: SECONDS,
          y: { field: 'ms', type: 'quantitative', title: 'response time (ms)' },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: {
              domain: LATENCY_SERIES,
              range: [
                [1, 0],
                [6, 4],
              ],
            },
          },
        },
      },
      {
        title: `throughput over time (${failedTotal === 0 ? 'no failed requests' : `${failedTotal} failed requests`})`,
        width: PANEL_WIDTH,
        height: PANEL_HEIGHT,
        layer: [
          {
            data: { values: failures },
            mark: { type: 'bar', opacity: 0.6 },
            encoding: {
              x: { ...SECONDS, field: 'second' },
              x2: { field: 'end' },
              y: { field: 'perSecond', type: 'quantitative', title: 'requests per second' },
              y2: { datum: 0 },
              color: throughputColour,
              tooltip: [{ field: 'failed', title: 'failed' }],
            },
          },
          {
            data: { values: requests },
            mark: { type: 'line' },
            encoding: {
              x: SECONDS,
              y: { field: 'perSecond', type: 'quantitative', title: 'requests per second' },
              color: throughputColour,
            },
          },
        ],
      },
    ],
  };
}

export function timelineChartSvg(
  buckets: readonly TimelineBucket[],
  title: string,
  bucketSeconds: number,
): Promise<string> {
  return renderVegaLite(timelineChartSpec(buckets, title, bucketSeconds));
}
