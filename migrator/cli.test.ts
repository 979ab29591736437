import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointStore } from './io/checkpoint.js';
import { MIGRATOR_ERROR_CODES } from './errors.js';
import { runCli } from './hostile-input.testkit.js';

describe('fhirledger migrate (cli)', function () {
  this.timeout(20000);
  let dir: string;
  let input: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-'));
    input = path.join(dir, 'in.ndjson');
    writeFileSync(
      input,
      [
        '{"resourceType":"Patient","id":"p1","gender":"F"}',
        '{"resourceType":"Patient","id":"p2","birthDate":"2021-02-30"}',
      ].join('\n'),
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const common = () => ['--input', input, '--report', path.join(dir, 'report.json'), '--log-level', 'silent'];

  it('--help prints usage and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: fhirledger migrate --input PATH/);
  });

  it('an unknown flag or a bad value exits 2 naming it', async () => {
    const unknown = await runCli(['--input', input, '--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--frobnicate/);
    const bad = await runCli(['--input', input, '--date-order', 'ymd']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--date-order "ymd" is not dmy or mdy/);
  });

  it('--dry-run finishes with exit 3 when records were rejected, and writes report and dead letter', async () => {
    const result = await runCli([...common(), '--dry-run']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /records read 2: accepted 1, exact duplicates 0, rejected 1/);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      rejects: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(report.rejects), ['R8']);
    const deadLetter = readFileSync(path.join(dir, 'report.dry-run.dead-letter.ndjson'), 'utf8');
    assert.match(deadLetter, /"line":2,"reason":"R8"/);
  });

  it('a live run stops with LEDGER_UNAVAILABLE (exit 2, as in the gateway) before reading input: no Fabric connection here', async () => {
    const result = await withNetworkHome(path.join(dir, 'no-devnet-here'), () => runCli(common()));
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /LEDGER_UNAVAILABLE: no Fabric connection profile configured \(give --connection FILE/,
    );
    assert.equal(existsSync(path.join(dir, 'report.checkpoint.json')), false);
  });

  it('a live run with a connection profile that names no migrator identity stops with LEDGER_UNAVAILABLE', async () => {
    writeFileSync(
      path.join(dir, 'tls-ca.pem'),
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    );
    const profile = path.join(dir, 'connection.json');
    writeFileSync(
      profile,
      JSON.stringify({ peers: [{ address: '127.0.0.1:7051', tlsRootCertFile: 'tls-ca.pem' }] }),
    );
    const result = await runCli([...common(), '--connection', profile]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /LEDGER_UNAVAILABLE: connection profile .*connection\.json: names no identity "migrator"/,
    );
  });

  it("a live run without --connection uses the local devnet's profile when one was created here", async () => {
    const home = path.join(dir, 'devnet-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, 'tls-ca.pem'),
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    );
    writeFileSync(
      path.join(home, 'fhirledger-connection.json'),
      JSON.stringify({ peers: [{ address: '127.0.0.1:7051', tlsRootCertFile: 'tls-ca.pem' }] }),
    );
    const result = await withNetworkHome(home, () => runCli(common()));
    assert.equal(result.code, 2);
    // It read the devnet's profile (which here names no migrator), rather than saying no profile is configured.
    assert.match(result.stderr, /devnet-home\/fhirledger-connection\.json: names no identity "migrator"/);
  });

  it('--resume against other inputs fails loudly with exit 2', async () => {
    new CheckpointStore(path.join(dir, 'report.checkpoint.json')).write({
      version: 2,
      fingerprint: '0'.repeat(64),
      watermark: 1,
      finished: false,
      deadLetter: { bytes: 0, maxOrdinal: 0 },
      fixLog: { bytes: 0, maxOrdinal: 0 },
      ledger: { created: 0, unchanged: 0, conflict: 0, invalid: 0 },
      updatedAt: new Date().toISOString(),
    });
    const resumed = await runCli([...common(), '--resume']);
    assert.equal(resumed.code, 2);
    assert.match(
      resumed.stderr,
      /CHECKPOINT_MISMATCH: checkpoint .* belongs to a migration of different inputs or options/,
    );
    const fresh = await runCli(common());
    assert.equal(fresh.code, 2);
    assert.match(fresh.stderr, /CHECKPOINT_EXISTS: .*pass --resume/);
  });

  it('documents every error code in the README', () => {
    // Compiled to dist/migrator/ or .build/NAME/migrator/: the source README is two or three levels up.
    const candidates = ['../../migrator/README.md', '../../../migrator/README.md'].map(
      (relative) => new URL(relative, import.meta.url),
    );
    const found = candidates.find((candidate) => existsSync(candidate));
    assert.ok(found, 'migrator/README.md found');
    const readme = readFileSync(found, 'utf8');
    for (const code of MIGRATOR_ERROR_CODES) assert.match(readme, new RegExp(`\\b${code}\\b`), code);
  });
});

/** Runs `body` with FHIRLEDGER_NETWORK_HOME set, so the test never sees a devnet someone brought up in the checkout. */
async function withNetworkHome<T>(home: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env.FHIRLEDGER_NETWORK_HOME;
  process.env.FHIRLEDGER_NETWORK_HOME = home;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.FHIRLEDGER_NETWORK_HOME;
    else process.env.FHIRLEDGER_NETWORK_HOME = previous;
  }
}
