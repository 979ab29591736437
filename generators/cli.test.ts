import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../common/cli-args.js';
import { createGenerateCommand } from './cli.js';

function capture(): {
  io: Parameters<typeof createGenerateCommand>[0];
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { isTTY: false, write: (t: string) => (err += t) },
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
    const truth = (await readFile(path.join(dir, 'ground-truth.ndjson'), 'utf8')).trimEnd().split('\n');
    assert.equal(truth.length, summary.defects);
    assert.ok(summary.totalResources > 100);
    assert.match(c.err(), /generate 5\/5 patients \(100%\) \d+ resources/);
  });
});
