/**
 * sut.svg: CPU % (top panel) and resident memory (bottom panel) of every monitored process over the run, one line
 * per process (the load generator dashed), a cross where a process exited. Drawn from the raw samples with the
 * project's own SVG pieces. Pure: recording in, SVG text out.
 */
import { escapeXml, niceMax, PALETTE, polyline } from '../svg-plot.js';
import type { SutRecording, SutSample, SutTrack } from './sut-sampler.js';

const WIDTH = 800;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 70, right: 20, top: 30 };
const GAP = 40;
const LEGEND_LINE = 16;

interface Panel {
  label: string;
  unit: string;
  value: (sample: SutSample) => number;
}

const PANELS: readonly Panel[] = [
  { label: 'CPU (100 % = one core)', unit: '%', value: (s) => s.cpuPercent },
  { label: 'resident memory', unit: 'MB', value: (s) => s.rssBytes / (1024 * 1024) },
];

export function sutChartSvg(recording: SutRecording, title: string): string {
  const tracks = recording.tracks;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const lastSecond = Math.max(1, recording.durationMs / 1000);
  const x = (tMs: number): number => MARGIN.left + (tMs / 1000 / lastSecond) * plotWidth;
  const colour = (index: number): string => PALETTE[index % PALETTE.length] ?? 'black';
  const out: string[] = [];
  PANELS.forEach((panel, panelIndex) => {
    const top = MARGIN.top + panelIndex * (PANEL_HEIGHT + GAP);
    const bottom = top + PANEL_HEIGHT;
    const max = niceMax(Math.max(0, ...tracks.flatMap((t) => t.samples.map(panel.value))));
    const y = (value: number): number => bottom - (value / max) * PANEL_HEIGHT;
    out.push(
      `<line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="black"/>`,
      `<line x1="${MARGIN.left}" y1="${top}" x2="${MARGIN.left}" y2="${bottom}" stroke="black"/>`,
      `<text x="${MARGIN.left - 6}" y="${top + 4}" text-anchor="end">${max} ${panel.unit}</text>`,
      `<text x="${MARGIN.left - 6}" y="${bottom}" text-anchor="end">0</text>`,
      `<text x="${MARGIN.left + 6}" y="${top - 6}">${escapeXml(panel.label)}</text>`,
      `<text x="${MARGIN.left}" y="${bottom + 14}">0 s</text>`,
      `<text x="${WIDTH - MARGIN.right}" y="${bottom + 14}" text-anchor="end">${Math.round(lastSecond)} s</text>`,
    );
    tracks.forEach((track, index) => {
      const points = track.samples.map((s): [number, number] => [x(s.tMs), y(panel.value(s))]);
      out.push(
        `<g class="process" data-name="${escapeXml(track.name)}">`,
        polyline(points, colour(index), track.role === 'load generator'),
        ...exitMark(track, points, colour(index)),
        '</g>',
      );
    });
  });
  const legendTop = MARGIN.top + PANELS.length * (PANEL_HEIGHT + GAP);
  tracks.forEach((track, index) => {
    const label = `${track.name} (${track.role}, pid ${track.pid})${track.exitedAtMs === null ? '' : ' ✕ exited'}`;
    out.push(
      `<text x="${MARGIN.left}" y="${legendTop + index * LEGEND_LINE}" fill="${colour(index)}">${track.role === 'load generator' ? '- -' : '—'} ${escapeXml(label)}</text>`,
    );
  });
  const height = legendTop + tracks.length * LEGEND_LINE + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="16" text-anchor="middle">${escapeXml(title)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** A cross after the last sample of a process that exited, so a stopped line is not read as idle. */
function exitMark(track: SutTrack, points: readonly [number, number][], colour: string): string[] {
  const last = points[points.length - 1];
  if (track.exitedAtMs === null || last === undefined) return [];
  const [cx, cy] = last;
  return [
    `<path class="exited" d="M${(cx - 4).toFixed(1)},${(cy - 4).toFixed(1)} l8,8 m0,-8 l-8,8" stroke="${colour}" stroke-width="2"><title>${escapeXml(track.name)} exited</title></path>`,
  ];
}
