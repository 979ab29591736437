/**
 * timeline.svg and sut.svg as Vega renders them, from raw points given here: well-formed SVG, the axes titled and
 * spanning the data's extent (Vega's own aria labels say so), one mark per series, a bar per bucket with failures.
 */
import assert from 'node:assert/strict';
import type { LoadObservations, RequestSample } from './observations.js';
import type { SutRecording, SutSample } from './sut/sut-sampler.js';
import { sutChartSvg } from './sut/sut-chart.js';
import { buildTimeline } from './timeline.js';
import { timelineChartSvg } from './timeline-chart.js';

/** Every tag closed in order, one root `<svg>` in the SVG namespace, text escaped: what a browser or rsvg needs. */
function assertWellFormedSvg(svg: string): void {
  assert.ok(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg), 'starts with an SVG root');
  assert.ok(svg.trimEnd().endsWith('</svg>'), 'ends with the root closed');
  const open: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (closing === '/') assert.equal(open.pop(), name, `unbalanced ${tag}`);
    else open.push(name ?? '');
  }
  assert.deepEqual(open, []);
  for (const [, text] of svg.matchAll(/>([^<]+)</g)) {
    assert.ok(!/[>]|&(?!amp;|lt;|gt;|quot;|#\d+;)/.test(text ?? ''), `unescaped text: ${text ?? ''}`);
  }
}

const count = (svg: string, pattern: RegExp): number => (svg.match(pattern) ?? []).length;
const axis = (svg: string, title: string): string =>
  new RegExp(
    `aria-label="[XY]-axis titled '${title.replace(/[()%]/g, '\\$&')}' for a linear scale with values from ([^"]+)"`,
  ).exec(svg)?.[1] ?? 'missing';

describe('charts drawn by Vega-Lite', () => {
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const request = (second: number, durationMs: number, ok = true): RequestSample => ({
    timeMs: T0 + second * 1000,
    durationMs,
    op: 'create',
    rate: undefined,
    status: ok ? 201 : 0,
    ok,
  });
  const observations: LoadObservations = {
    requests: [
      request(0, 200),
      request(1, 400),
      request(6, 2_400),
      request(7, 9_000, false),
      request(8, 9_500, false),
      request(13, 300),
    ],
    vus: [{ timeMs: T0, value: 2 }],
    acknowledged: [],
    failures: [],
    droppedIterations: {},
  };

  it('timeline.svg: latency and throughput over time, both series drawn, failures as bars', async () => {
    const timeline = buildTimeline(observations, 5);
    const svg = await timelineChartSvg(timeline, 'caliper <paper>', 5);
    assertWellFormedSvg(svg);
    assert.ok(svg.includes("Title text 'caliper &lt;paper&gt;'"), 'the title, escaped');
    // Buckets start at 0, 5 and 10 s: one shared time axis over them; the slowest bucket's p95 is 9.5 s.
    assert.equal(
      count(
        svg,
        /X-axis titled 'seconds since the first request' for a linear scale with values from 0 to 10"/g,
      ),
      2,
    );
    assert.match(axis(svg, 'response time (ms)'), /^0 to (9,500|10,000)$/);
    // 3 requests in the 5 s bucket: 0.6 per second at most.
    assert.equal(axis(svg, 'requests per second'), '0.0 to 0.6');
    // Mean and p95 lines, the requests/s line; one bar: only the 5 s bucket had failures.
    assert.equal(count(svg, /aria-roledescription="line mark"/g), 3);
    assert.equal(count(svg, /aria-roledescription="bar"/g), 1);
    assert.match(svg, /series: failed requests\/s; failed: 2"/);
    assert.match(svg, /throughput over time \(2 failed requests\)/);
    assert.match(svg, /strokeDash with 2 values: mean response time, p95 response time/);
  });

  it('timeline.svg of a clean run keeps the failures series in the legend and draws no bar', async () => {
    const clean = { ...observations, requests: observations.requests.filter((r) => r.ok) };
    const svg = await timelineChartSvg(buildTimeline(clean, 5), 'clean', 5);
    assertWellFormedSvg(svg);
    assert.equal(count(svg, /aria-roledescription="bar"/g), 0);
    assert.match(svg, /with 2 values: requests\/s, failed requests\/s/);
    assert.match(svg, /throughput over time \(no failed requests\)/);
  });

  it('sut.svg: CPU and memory per process, one line each per panel, the load generator dashed, exits crossed', async () => {
    const MB = 1024 * 1024;
    const sample = (tMs: number, cpuPercent: number, rssMb: number): SutSample => ({
      tMs,
      cpuPercent,
      rssBytes: rssMb * MB,
      diskReadBytes: null,
      diskWriteBytes: null,
      tcpReceivedBytes: null,
      tcpSentBytes: null,
    });
    const recording: SutRecording = {
      startedAt: '2026-01-01T00:00:00.000Z',
      intervalMs: 1000,
      durationMs: 30_500,
      clockTicksPerSecond: 100,
      tcpMeasured: false,
      loopback: [],
      errors: [],
      tracks: [
        {
          name: 'peer0.org1.example.com',
          role: 'peer',
          pid: 101,
          firstReadingMs: 0,
          exitedAtMs: null,
          samples: [sample(1000, 10, 100), sample(15_000, 95, 180), sample(30_000, 40, 150)],
        },
        {
          name: 'chaincode-ehr',
          role: 'chaincode',
          pid: 102,
          firstReadingMs: 0,
          exitedAtMs: 12_000,
          samples: [sample(1000, 4, 50), sample(11_000, 6, 55)],
        },
        {
          name: 'k6',
          role: 'load generator',
          pid: 103,
          firstReadingMs: 0,
          exitedAtMs: null,
          samples: [sample(1000, 80, 200), sample(30_000, 120, 480)],
        },
      ],
    };
    const svg = await sutChartSvg(recording, 'caliper <sut>');
    assertWellFormedSvg(svg);
    assert.ok(svg.includes("Title text 'caliper &lt;sut&gt;'"), 'the title, escaped');
    assert.equal(axis(svg, 'seconds since the monitor started'), '0 to 30');
    assert.equal(axis(svg, 'CPU (%, 100 = one core)'), '0 to 120');
    assert.equal(axis(svg, 'resident memory (MB)'), '0 to 500');
    // Two panels × three processes, and a cross per panel for the chaincode that exited.
    assert.equal(count(svg, /aria-roledescription="line mark"/g), 6);
    assert.equal(count(svg, /aria-roledescription="point"/g), 2);
    assert.equal(count(svg, /aria-roledescription="line mark"[^>]*stroke-dasharray="6,4"/g), 2);
    assert.match(
      svg,
      /3 values: chaincode-ehr \(chaincode, pid 102\) ✕ exited, k6 \(load generator, pid 103\), peer0\.org1\.example\.com \(peer, pid 101\)/,
    );
  });
});
