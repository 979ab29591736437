import assert from 'node:assert/strict';
import { sutSection, type SutReportInput } from './sut-report.js';
import type { SutRecording, SutSample, SutTrack } from './sut-sampler.js';

const MB = 1024 * 1024;
const sample = (
  tMs: number,
  cpuPercent: number,
  rssMb: number,
  extra: Partial<SutSample> = {},
): SutSample => ({
  tMs,
  cpuPercent,
  rssBytes: rssMb * MB,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  tcpReceivedBytes: 0,
  tcpSentBytes: 0,
  ...extra,
});

const tracks: SutTrack[] = [
  {
    name: 'peer0.org1.example.com',
    role: 'peer',
    pid: 101,
    firstReadingMs: 0,
    exitedAtMs: null,
    samples: [
      sample(1000, 10, 100),
      sample(2000, 30, 120, { diskWriteBytes: 3 * MB, tcpReceivedBytes: 2 * MB, tcpSentBytes: 5 * MB }),
    ],
  },
  {
    name: 'chaincode-ehr',
    role: 'chaincode',
    pid: 102,
    firstReadingMs: 0,
    exitedAtMs: 1500,
    samples: [sample(1000, 4, 50, { diskReadBytes: null, diskWriteBytes: null })],
  },
  {
    name: 'k6',
    role: 'load generator',
    pid: 103,
    firstReadingMs: 10,
    exitedAtMs: null,
    samples: [sample(1000, 80, 200), sample(2000, 100, 220)],
  },
];

const recording: SutRecording = {
  startedAt: '2026-01-01T00:00:00.000Z',
  intervalMs: 1000,
  durationMs: 2100,
  clockTicksPerSecond: 100,
  tcpMeasured: true,
  loopback: [{ tMs: 2000, bytes: 40 * MB }],
  errors: [],
  tracks,
};

const input = (overrides: Partial<SutReportInput> = {}): SutReportInput => ({
  recording,
  rawFile: 'sut.json',
  chartFile: 'sut.svg',
  notMonitoredReason: '',
  ...overrides,
});

describe('System under test section', () => {
  it('has a paper 002 Table 4/5 row per SUT process, an exited one marked, n/a where not measurable', () => {
    const text = sutSection(input()).join('\n');
    assert.match(text, /^## System under test/);
    assert.match(
      text,
      /\| type \| name \| pid \| memory max \(MB\) \| memory avg \(MB\) \| CPU max \(%\) \| CPU avg \(%\) \| disk read \(MB\) \| disk write \(MB\) \| TCP in \(MB\) \| TCP out \(MB\) \|/,
    );
    assert.match(
      text,
      /\| peer \| peer0\.org1\.example\.com \| 101 \| 120\.0 \| 110\.0 \| 30\.0 \| 20\.0 \| 0\.0 \| 3\.0 \| 2\.0 \| 5\.0 \| 2 \| ran throughout \|/,
    );
    assert.match(
      text,
      /\| chaincode \| chaincode-ehr \| 102 \| 50\.0 \| 50\.0 \| 4\.0 \| 4\.0 \| n\/a \| n\/a \| 0\.0 \| 0\.0 \| 1 \| exited at 1\.5 s \|/,
    );
    assert.match(text, /!\[CPU and resident memory per process\]\(sut\.svg\)/);
    assert.match(text, /\[sut\.json\]\(sut\.json\)/);
    assert.match(text, /all processes on this host\*\* together .*: 40\.0 MB during the run/);
  });

  it('shows the load generator in its own table, after the SUT table', () => {
    const text = sutSection(input()).join('\n');
    const generator = text.indexOf('Load generator');
    assert.ok(generator > text.indexOf('| peer |'));
    assert.ok(text.indexOf('| load generator | k6 | 103 | 220.0 | 210.0 | 100.0 | 90.0 |') > generator);
  });

  it('says why nothing was monitored', () => {
    assert.match(
      sutSection(input({ recording: undefined, notMonitoredReason: 'no /proc here' })).join('\n'),
      /_not monitored: no \/proc here_/,
    );
    const onlyK6 = {
      ...recording,
      tracks: tracks.filter((t) => t.role === 'load generator'),
      tcpMeasured: false,
    };
    const text = sutSection(input({ recording: onlyK6, notMonitoredReason: 'no devnet running at /x' })).join(
      '\n',
    );
    assert.match(text, /_no system-under-test process was monitored: no devnet running at \/x_/);
    assert.match(text, /`ss` could not be run/);
  });
});
