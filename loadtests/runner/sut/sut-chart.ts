/**
 * sut.svg: CPU % (top panel) and resident memory (bottom panel) of every monitored process over the run, one line
 * per process (the load generator dashed), a cross where a process exited — paper 002's Tables 4-5 as pictures.
 * Drawn by Vega-Lite from the raw samples; pure apart from the rendering: recording in, SVG text out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, PANEL_WIDTH, renderVegaLite, secondsAxis } from '../vega-render.js';
import type { SutRecording } from './sut-sampler.js';

const PANEL_HEIGHT = 200;
const MB = 1024 * 1024;
const SECONDS = secondsAxis('seconds since the monitor started');
/** 20 distinct colours: the paper profile's stack is 17 processes and k6. */
const PROCESS_COLOUR = {
  field: 'process',
  type: 'nominal',
  title: null,
  scale: { scheme: 'category20' },
} as const;

interface Panel {
  field: 'cpuPercent' | 'memoryMb';
  title: string;
  axis: string;
}

const PANELS: readonly Panel[] = [
  { field: 'cpuPercent', title: 'CPU per process', axis: 'CPU (%, 100 = one core)' },
  { field: 'memoryMb', title: 'resident memory per process', axis: 'resident memory (MB)' },
];

/** A process's legend entry: name, role and pid, so two runs' charts can be matched to their tables. */
function processLabel(track: SutRecording['tracks'][number]): string {
  return `${track.name} (${track.role}, pid ${track.pid})${track.exitedAtMs === null ? '' : ' ✕ exited'}`;
}

export function sutChartSpec(recording: SutRecording, title: string): TopLevelSpec {
  const samples = recording.tracks.flatMap((track) =>
    track.samples.map((sample) => ({
      process: processLabel(track),
      kind: track.role === 'load generator' ? 'load generator' : 'system under test',
      second: sample.tMs / 1000,
      cpuPercent: sample.cpuPercent,
      memoryMb: sample.rssBytes / MB,
    })),
  );
  // The cross sits on the last sample of a process that exited, so a stopped line is not read as idle.
  const exits = recording.tracks.flatMap((track) => {
    const last = track.samples[track.samples.length - 1];
    return track.exitedAtMs === null || last === undefined
      ? []
      : [
          {
            process: processLabel(track),
            second: last.tMs / 1000,
            cpuPercent: last.cpuPercent,
            memoryMb: last.rssBytes / MB,
          },
        ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: `sampled every ${recording.intervalMs} ms from ${recording.startedAt}` },
    config: CHART_CONFIG,
    resolve: { scale: { x: 'shared' } },
    vconcat: PANELS.map((panel) => ({
      title: panel.title,
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      layer: [
        {
          data: { values: samples },
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: SECONDS,
            y: { field: panel.field, type: 'quantitative', title: panel.axis },
            color: PROCESS_COLOUR,
            strokeDash: {
              field: 'kind',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['system under test', 'load generator'],
                range: [
                  [1, 0],
                  [6, 4],
                ],
              },
            },
            detail: { field: 'process' },
          },
        },
        {
          data: { values: exits },
          mark: { type: 'point', shape: 'cross', size: 120, filled: true },
          encoding: {
            x: SECONDS,
            y: { field: panel.field, type: 'quantitative' },
            color: PROCESS_COLOUR,
            tooltip: [{ field: 'process', title: 'exited' }],
          },
        },
      ],
    })),
  };
}

export function sutChartSvg(recording: SutRecording, title: string): Promise<string> {
  return renderVegaLite(sutChartSpec(recording, title));
}
