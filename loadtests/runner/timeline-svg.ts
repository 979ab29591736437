/**
 * A dependency-free SVG line plot of the timeline: mean and p95 response time (left axis, ms) and requests per
 * second (right axis), one point per bucket. Pure: timeline in, SVG text out.
 */
import type { TimelineBucket } from './timeline.js';

const WIDTH = 800;
const HEIGHT = 320;
const MARGIN = { left: 60, right: 60, top: 30, bottom: 40 };

function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 5, 10];
  const step = steps.find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function polyline(points: [number, number][], color: string, dashed = false): string {
  const coordinates = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dash = dashed ? ' stroke-dasharray="4 3"' : '';
  return `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${coordinates}"/>`;
}

export function timelineSvg(buckets: readonly TimelineBucket[], title: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lastSecond = Math.max(1, ...buckets.map((b) => b.startSecond));
  const msMax = niceMax(Math.max(0, ...buckets.map((b) => (Number.isFinite(b.p95Ms) ? b.p95Ms : 0))));
  const rpsMax = niceMax(Math.max(0, ...buckets.map((b) => b.requestsPerSecond)));
  const x = (second: number): number => MARGIN.left + (second / lastSecond) * plotWidth;
  const y = (value: number, max: number): number => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const withData = buckets.filter((b) => Number.isFinite(b.meanMs));
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
  const bottom = MARGIN.top + plotHeight;
  const right = MARGIN.left + plotWidth;
  const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle">${escapedTitle}</text>`,
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#1f77b4"/>`,
    `<line x1="${right}" y1="${MARGIN.top}" x2="${right}" y2="${bottom}" stroke="#d62728"/>`,
    `<text x="${MARGIN.left - 6}" y="${MARGIN.top + 4}" text-anchor="end" fill="#1f77b4">${msMax} ms</text>`,
    `<text x="${MARGIN.left - 6}" y="${bottom}" text-anchor="end" fill="#1f77b4">0</text>`,
    `<text x="${right + 6}" y="${MARGIN.top + 4}" fill="#d62728">${rpsMax} req/s</text>`,
    `<text x="${right + 6}" y="${bottom}" fill="#d62728">0</text>`,
    `<text x="${MARGIN.left}" y="${bottom + 16}">0 s</text>`,
    `<text x="${right}" y="${bottom + 16}" text-anchor="end">${lastSecond} s</text>`,
    ...lines,
    `<text x="${MARGIN.left}" y="${HEIGHT - 6}" fill="#1f77b4">— mean response time   - - p95 response time</text>`,
    `<text x="${right}" y="${HEIGHT - 6}" text-anchor="end" fill="#d62728">— requests/s</text>`,
    '</svg>',
    '',
  ].join('\n');
}
