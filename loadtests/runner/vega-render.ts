/**
 * The one door to the charting library: a Vega-Lite spec (data inline) compiled to Vega and rendered headless to
 * SVG text. Vega draws axes, ticks, legends and scales, so the chart writers only say what to plot; nothing here
 * touches the file system.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Shared look of every chart: white background (the SVG is viewed on its own), sans-serif text. */
export const CHART_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  legend: { orient: 'bottom', columns: 2, labelLimit: 360 },
} as const;

/** Series colours, in order, for charts that pin them (matplotlib's tab10, which Vega also calls category10). */
export const SERIES_COLOURS = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd'] as const;

/** Panel width of every chart, in px: wide enough for a 20-minute run's 5 s buckets to stay apart. */
export const PANEL_WIDTH = 720;

/** The x encoding of a time series: field `second`, whole-second ticks from 0. */
export function secondsAxis(title: string) {
  return {
    field: 'second',
    type: 'quantitative',
    title,
    axis: { tickMinStep: 1 },
    scale: { domainMin: 0 },
  } as const;
}

export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  // 'none': no canvas or DOM; toSVG() builds the scenegraph and serialises it.
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
