/**
 * End to end with REAL k6 against a test-only gateway on 127.0.0.1 (there is no Fabric network here). Needs a k6
 * binary: K6_BIN, or the pinned k6 from fhirledger's cache, built there first when it is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { checkK6, ensureK6 } from '../../toolchain/k6.js';
import { verifyAcknowledgedCreates } from './acknowledged-check.js';
import { startTestGateway, type TestGateway } from './test-gateway.fake.js';
import { runLoad, type LoadRunIo, type LoadRunOptions } from './load-run.js';

const PASSWORD = 'load-test-secret';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function smokeOptions(gateway: TestGateway, resultsRoot: string): LoadRunOptions {
  return {
    scenario: 'smoke',
    baseUrl: gateway.baseUrl,
    resultsRoot,
    username: 'provider{n}',
    password: PASSWORD,
    thinkTimeSeconds: 0.1,
    vusMax: undefined,
    duration: '5s',
    payloadFile: undefined,
    userCount: undefined,
    verify: true,
    verifyConcurrency: 8,
    extraEnv: { SMOKE_VUS: '2' },
    // The test gateway listens inside this mocha process: that is the process serving the load.
    sutTargets: [{ name: 'gateway', role: 'gateway', pid: process.pid }],
    sutNotMonitoredReason: '',
  };
}

describe('fhirledger load with real k6 against a test gateway', function () {
  this.timeout(60_000);
  let k6Binary = '';
  let k6Version = '';
  let resultsRoot = '';
  let gateway: TestGateway | undefined;

  before(async function () {
    // On a fresh machine this builds the pinned k6 first (a few minutes), exactly as `fhirledger load` would.
    this.timeout(20 * 60_000);
    k6Binary = await ensureK6({ log: (line) => process.stderr.write(`      ${line}\n`) });
    k6Version = await checkK6(k6Binary, process.env, 'k6');
  });
  beforeEach(() => {
    resultsRoot = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-load-'));
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    rmSync(resultsRoot, { recursive: true, force: true });
  });

  function io(): LoadRunIo & { output: () => string } {
    const stdout = collect();
    return {
      k6Binary,
      k6Version,
      stdout: stdout.stream,
      log: new PassThrough().resume(),
      output: stdout.text,
    };
  }

  it('smoke passes against a well-behaved gateway and every acknowledged create is readable', async () => {
    gateway = await startTestGateway({ password: PASSWORD });
    const runIo = io();
    const outcome = await runLoad(smokeOptions(gateway, resultsRoot), runIo);

    assert.equal(outcome.k6ExitCode, 0, runIo.output());
    assert.equal(outcome.exitCode, 0);
    for (const file of [
      'summary.json',
      'dashboard.html',
      'report.md',
      'timeline.svg',
      'run.json',
      'points.json.gz',
      'sut.json',
      'sut.svg',
    ]) {
      assert.ok(existsSync(path.join(outcome.runFolder, file)), `${file} in ${outcome.runFolder}`);
    }
    assert.match(path.basename(outcome.runFolder), /^\d{4}-\d{2}-\d{2}-smoke$/);
    const acknowledged = outcome.acknowledged;
    assert.ok(acknowledged !== undefined);
    assert.ok(acknowledged.checked > 0);
    assert.equal(acknowledged.checked, gateway.createsAcknowledged);
    assert.deepEqual(acknowledged.missing, []);
    assert.match(
      runIo.output(),
      new RegExp(
        `checked ${gateway.createsAcknowledged} acknowledged creates: ${gateway.createsAcknowledged} on ledger, 0 missing`,
      ),
    );

    const report = readFileSync(path.join(outcome.runFolder, 'report.md'), 'utf8');
    for (const op of ['login', 'create', 'retrieve', 'modify']) {
      assert.match(
        report,
        new RegExp(`^\\| ${op} \\| \\d+ \\| \\d+ \\| 0 \\| 0\\.0 % \\|`, 'm'),
        `row for ${op}`,
      );
    }
    assert.match(report, /\*\*PASSED\*\*/);
    assert.match(report, /\| commit \| \d+ \| 10\.0 \|/);
    assert.match(report, /\| k6 dashboard \| \[dashboard\.html\]\(dashboard\.html\)/);
    // The SUT table: the gateway (this process) and k6 apart, both sampled while k6 ran and both on TCP.
    const gatewayRow =
      /^\| gateway \| gateway \| \d+ \| ([\d.]+) \|.*\| ([\d.]+) \| ([\d.]+) \| (\d+) \| ran throughout \|$/m.exec(
        report,
      );
    assert.ok(gatewayRow !== null, report);
    assert.ok(Number(gatewayRow[1]) > 10, 'gateway RSS above 10 MB');
    assert.ok(Number(gatewayRow[2]) > 0 && Number(gatewayRow[3]) > 0, 'gateway TCP in and out');
    assert.ok(Number(gatewayRow[4]) >= 3, 'at least 3 samples in a 5 s run');
    const k6Row =
      /^\| load generator \| k6 \| \d+ \| ([\d.]+) \|.*\| (\d+) \| (ran throughout|exited at [\d.]+ s) \|$/m.exec(
        report,
      );
    assert.ok(k6Row !== null, report);
    assert.ok(Number(k6Row[2]) >= 3);
    const sutJson = JSON.parse(readFileSync(path.join(outcome.runFolder, 'sut.json'), 'utf8')) as {
      tracks: { name: string; samples: { cpuPercent: number }[] }[];
    };
    assert.deepEqual(
      sutJson.tracks.map((t) => t.name),
      ['gateway', 'k6'],
    );
    assert.ok(sutJson.tracks.every((t) => t.samples.some((sample) => sample.cpuPercent > 0)));
    const runJson = JSON.parse(readFileSync(path.join(outcome.runFolder, 'run.json'), 'utf8')) as {
      config: { password: string; k6: string };
    };
    assert.equal(runJson.config.password, '***');
    assert.match(runJson.config.k6, /^k6 v/);
  });

  it('thresholds bite: a gateway answering 500 makes k6 exit 99 and the run fail with the breached SLOs', async () => {
    gateway = await startTestGateway({ password: PASSWORD, failFhirRequests: true });
    const runIo = io();
    const outcome = await runLoad({ ...smokeOptions(gateway, resultsRoot), duration: '3s' }, runIo);

    assert.equal(outcome.k6ExitCode, 99);
    assert.equal(outcome.exitCode, 1);
    assert.match(runIo.output(), /FAILED: SLO breached \(k6 exit 99\): .*http_req_failed rate<=0/);
    const report = readFileSync(path.join(outcome.runFolder, 'report.md'), 'utf8');
    assert.match(report, /\| 500 \| create \| \d+ \|/);
    assert.match(report, /\*\*FAILED\*\*/);
  });

  it('setup() stops the run when the target is down (k6 exit 107/108, runner exit 1)', async () => {
    gateway = await startTestGateway({ password: PASSWORD });
    const options = smokeOptions(gateway, resultsRoot);
    await gateway.close();
    gateway = undefined;
    const runIo = io();
    const outcome = await runLoad({ ...options, verify: false }, runIo);
    assert.ok([107, 108].includes(outcome.k6ExitCode), `k6 exit ${outcome.k6ExitCode}`);
    assert.equal(outcome.exitCode, 1);
    assert.match(runIo.output(), /FAILED: k6 exited 10[78]/);
    // k6 exports no dashboard when setup() stops the run: the report says so instead of a dead link.
    assert.equal(existsSync(path.join(outcome.runFolder, 'dashboard.html')), false);
    const report = readFileSync(path.join(outcome.runFolder, 'report.md'), 'utf8');
    assert.match(
      report,
      /\| k6 dashboard \| not written: k6 wrote no dashboard\.html for this run \(k6 exit 10[78]\) \|/,
    );
  });
});

describe('verifyAcknowledgedCreates', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('reports acknowledged records that the gateway cannot read as missing', async () => {
    gateway = await startTestGateway({ password: PASSWORD, forgetEveryNthCreate: 2 });
    const keys: string[] = [];
    const login = await fetch(`${gateway.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'provider1', password: PASSWORD }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${gateway.baseUrl}/fhir/Patient`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient' }),
      });
      keys.push(`Patient/${((await response.json()) as { id: string }).id}`);
    }
    const result = await verifyAcknowledgedCreates({
      baseUrl: gateway.baseUrl,
      username: 'provider1',
      password: PASSWORD,
      keys,
      concurrency: 2,
      timeoutMs: 5000,
    });
    assert.deepEqual(result, { checked: 4, onLedger: 2, missing: [keys[1], keys[3]] });
  });

  it('fails with LOAD_VERIFY_LOGIN_FAILED when the provider cannot log in', async () => {
    gateway = await startTestGateway({ password: PASSWORD });
    await assert.rejects(
      verifyAcknowledgedCreates({
        baseUrl: gateway.baseUrl,
        username: 'provider1',
        password: 'wrong',
        keys: ['Patient/x'],
        concurrency: 1,
        timeoutMs: 5000,
      }),
      { name: 'LoadError', code: 'LOAD_VERIFY_LOGIN_FAILED', message: /login as provider1 .* HTTP 401/ },
    );
  });
});
