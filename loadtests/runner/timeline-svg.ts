/**
 * A dependency-free SVG plot of the timeline: mean and p95 response time (left axis, ms), requests per second and
 * failed requests per second (right axis) — failures as bars, one per bucket that had any, so a burst of errors
 * is seen without reading the table. Pure: timeline in, SVG text out.
 */
import { escapeXml, niceMax, polyline } from './svg-plot.js';
import type { TimelineBucket } from './timeline.js';

const WIDTH = 800;
const HEIGHT = 320;
const MARGIN = { left: 60, right: 60, top: 30, bottom: 40 };
const FAILED_COLOR = '#ff7f0e';

export function timelineSvg(
  buckets: readonly TimelineBucket[],
  title: string,
  bucketSeconds: number,
): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lastSecond = Math.max(1, ...buckets.map((b) => b.startSecond));
  const msMax = niceMax(Math.max(0, ...buckets.map((b) => (Number.isFinite(b.p95Ms) ? b.p95Ms : 0))));
  const rpsMax = niceMax(
    Math.max(0, ...buckets.map((b) => Math.max(b.requestsPerSecond, b.failedPerSecond))),
  );
  const x = (second: number): number => MARGIN.left + (Math.min(second, lastSecond) / lastSecond) * plotWidth;
  const y = (value: number, max: number): number => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const withData = buckets.filter((b) => Number.isFinite(b.meanMs));
  const bottom = MARGIN.top + plotHeight;
  const right = MARGIN.left + plotWidth;
  // A bar spans its bucket; the last bucket's bar is at least 4 px wide so it stays visible at the right edge.
  const failureBars = buckets
    .filter((b) => b.failed > 0)
    .map((b) => {
      const left = x(b.startSecond);
      const width = Math.max(4, x(b.startSecond + bucketSeconds) - left);
      const top = y(b.failedPerSecond, rpsMax);
      return `<rect class="failed" x="${Math.min(left, right - width).toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${FAILED_COLOR}" fill-opacity="0.6"><title>${b.failed} failed at ${b.startSecond} s</title></rect>`;
    });
  const lines = [
    polyline(
      withData.map((b) => [x(b.startSecond), y(b.meanMs, msMax)]),
      '#1f77b4',
    ),
    polyline(
      withData.map((b) => [x(b.startSecond), y(b.p95Ms, msMax)]),
      '#1f77b4',
      true,
    ),
    polyline(
      buckets.map((b) => [x(b.startSecond), y(b.requestsPerSecond, rpsMax)]),
      '#d62728',
    ),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle">${escapeXml(title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#1f77b4"/>`,
    `<line x1="${right}" y1="${MARGIN.top}" x2="${right}" y2="${bottom}" stroke="#d62728"/>`,
    `<text x="${MARGIN.left - 6}" y="${MARGIN.top + 4}" text-anchor="end" fill="#1f77b4">${msMax} ms</text>`,
    `<text x="${MARGIN.left - 6}" y="${bottom}" text-anchor="end" fill="#1f77b4">0</text>`,
    `<text x="${right + 6}" y="${MARGIN.top + 4}" fill="#d62728">${rpsMax} req/s</text>`,
    `<text x="${right + 6}" y="${bottom}" fill="#d62728">0</text>`,
    `<text x="${MARGIN.left}" y="${bottom + 16}">0 s</text>`,
    `<text x="${right}" y="${bottom + 16}" text-anchor="end">${lastSecond} s</text>`,
    `<g id="failed-requests">`,
    ...failureBars,
    '</g>',
    ...lines,
    `<text x="${MARGIN.left}" y="${HEIGHT - 6}" fill="#1f77b4">— mean response time   - - p95 response time</text>`,
    `<text x="${right}" y="${HEIGHT - 6}" text-anchor="end" fill="#d62728">— requests/s   <tspan fill="${FAILED_COLOR}">▮ failed/s${failureBars.length === 0 ? ' (none)' : ''}</tspan></text>`,
    '</svg>',
    '',
  ].join('\n');
}
