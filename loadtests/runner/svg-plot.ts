/** The small SVG pieces both charts (timeline.svg, sut.svg) draw with: axis maxima, lines, escaped text. */

/** The next 1, 2 or 5 × 10ⁿ at or above value, so axis labels are round numbers. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 5, 10];
  const step = steps.find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

export function polyline(points: readonly [number, number][], color: string, dashed = false): string {
  const coordinates = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dash = dashed ? ' stroke-dasharray="4 3"' : '';
  return `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${coordinates}"/>`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Distinct line colours (matplotlib's tab10), reused in order. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;
