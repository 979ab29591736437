import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../common/cli-args.js';
import { createGenerateCommand, summaryText } from './cli.js';

function capture(terminal = false): {
  io: Parameters<typeof createGenerateCommand>[0];
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { isTTY: terminal, write: (t: string) => (err += t) },
      log: { write: (t: string) => (err += t) },
    },
    out: () => out,
    err: () => err,
  };
}

describe('generators: fhirledger generate CLI', function () {
  this.timeout(20_000);
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gen-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help and exits 0', async () => {
    const c = capture();
    assert.equal(await createGenerateCommand(c.io)(['--help']), ExitCode.OK);
    assert.match(c.out(), /--dirty-rate R/);
    assert.match(c.out(), /--reference-style S/);
  });

  it('--reference-style synthea writes conditional references and says so in the manifest', async () => {
    const c = capture();
    const code = await createGenerateCommand(c.io)([
      '--patients',
      '2',
      '--out',
      dir,
      '--reference-style',
      'synthea',
      '--quiet',
    ]);
    assert.equal(code, ExitCode.OK, c.err());
    const patients = await readFile(path.join(dir, 'Patient.ndjson'), 'utf8');
    assert.match(
      patients,
      /"generalPractitioner":\[\{"reference":"Practitioner\?identifier=http:\/\/hl7\.org\/fhir\/sid\/us-npi\|\d{10}"\}\]/,
    );
    assert.doesNotMatch(patients, /"reference":"(Practitioner|Organization)\//);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      request: string;
      extension: Record<string, { referenceStyle: string }>;
    };
    assert.match(manifest.request, /--reference-style synthea$/);
    assert.equal(manifest.extension['https://fhirledger.example/generator']?.referenceStyle, 'synthea');
  });

  it('exits 2 with a message naming the flag for an unknown flag, a bad value or a missing flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--patients', '1', '--out', dir, '--colour'], /colour/],
      [['--patients', 'many', '--out', dir], /--patients "many"/],
      [['--patients', '1', '--out', dir, '--dirty-rate', '1.5'], /--dirty-rate "1.5"/],
      [['--patients', '1', '--out', dir, '--format', 'csv'], /--format "csv" is not one of/],
      [
        ['--patients', '1', '--out', dir, '--reference-style', 'fhir'],
        /--reference-style "fhir" is not one of relative, synthea/,
      ],
      [['--out', dir], /--patients is required/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      assert.equal(await createGenerateCommand(c.io)(argv), ExitCode.USAGE, argv.join(' '));
      assert.match(c.err(), message);
    }
  });

  it('refuses dirty mode for bundle output and a non-empty output directory (exit 2)', async () => {
    const c = capture();
    assert.equal(
      await createGenerateCommand(c.io)([
        '--patients',
        '1',
        '--out',
        dir,
        '--format',
        'bundle',
        '--dirty-rate',
        '0.1',
      ]),
      ExitCode.USAGE,
    );
    assert.match(c.err(), /needs format ndjson/);
    await writeFile(path.join(dir, 'old.txt'), 'x');
    const d = capture();
    assert.equal(await createGenerateCommand(d.io)(['--patients', '1', '--out', dir]), ExitCode.USAGE);
    assert.match(d.err(), /is not empty/);
  });

  it('writes NDJSON, manifest and ground truth, prints a JSON summary and progress lines', async () => {
    const c = capture();
    const code = await createGenerateCommand(c.io)([
      '--patients',
      '5',
      '--seed',
      '9',
      '--out',
      dir,
      '--dirty-rate',
      '0.2',
    ]);
    assert.equal(code, ExitCode.OK, c.err());
    const summary = JSON.parse(c.out()) as { totalResources: number; defects: number };
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      output: { url: string; count: number }[];
    };
    const lines = (await readFile(path.join(dir, 'Patient.ndjson'), 'utf8')).trimEnd().split('\n');
    assert.equal(manifest.output.find((o) => o.url === 'Patient.ndjson')?.count, lines.length);
    const truth = (await readFile(path.join(dir, 'truth', 'ground-truth.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n');
    // Nothing but records (and the manifest) where `migrate --input DIR` looks.
    assert.deepEqual(
      (await readdir(dir)).filter(
        (name) => /\.(ndjson|jsonl)$/.test(name) && !/^[A-Z]\w+\.ndjson$/.test(name),
      ),
      [],
    );
    assert.equal(truth.length, summary.defects);
    assert.ok(summary.totalResources > 100);
    assert.match(c.err(), /generate 5\/5 patients \(100%\) \d+ resources/);
    // Piped: the structured start line for scripts and log collectors, as ever.
    assert.match(c.err(), /^\{.*"msg":"generate starting"/m);
  });

  it('on a terminal keeps stderr human: progress, no JSON log lines', async () => {
    const c = capture(true);
    const code = await createGenerateCommand(c.io)(['--patients', '3', '--seed', '1', '--out', dir]);
    assert.equal(code, ExitCode.OK, c.err());
    assert.match(c.err(), /generate/);
    assert.doesNotMatch(c.err(), /^\s*\{/m, `JSON on a terminal's stderr: ${c.err()}`);
    assert.doesNotMatch(c.err(), /generate starting/);
  });
});

describe('generators: the summary a person reads', () => {
  it('on a terminal, prints the files with their line counts and explains injected duplicate lines', () => {
    const text = summaryText({
      directory: 'runs/x/data',
      manifest: 'manifest.json',
      totalResources: 220,
      files: [
        { type: 'Organization', url: 'Organization.ndjson', count: 1 },
        { type: 'Patient', url: 'Patient.ndjson', count: 211 },
      ],
      resources: { Organization: 1, Patient: 210 },
      defects: 4,
      groundTruth: 'truth/ground-truth.ndjson',
    });
    assert.match(text, /^generated 220 resources into runs\/x\/data\n/);
    assert.match(text, /Patient\.ndjson +211 lines \(210 resources \+ 1 injected duplicate\)/);
    assert.match(text, /truth\/ground-truth\.ndjson: 4 injected defects/);
    assert.doesNotMatch(text, /^\{/);
  });
});
