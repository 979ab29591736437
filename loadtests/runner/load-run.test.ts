/**
 * End to end on the real stack: `fhirledger up` (fabric-devnet, users enrolled from its CA, the FHIR gateway) at
 * port offset 44000, then REAL k6 through `fhirledger load`, then the acknowledged-write audit against the ledger.
 * Needs a k6 binary: K6_BIN, or the pinned k6 from fhirledger's cache, built there first when it is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { checkK6, ensureK6 } from '../../toolchain/k6.js';
import { runCli } from '../../network/test/devnet.testkit.js';
import { readStackDescription, readStackPassword, type StackDescription } from '../../stack/stack-file.js';
import { openAuditLedger } from './audit-ledger.js';
import { auditAcknowledgedWrites } from './ledger-audit.js';
import { runLoad, type LoadRunIo, type LoadRunOptions } from './load-run.js';

const PORT_OFFSET = 44000;

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('fhirledger up, then load with real k6 on the live stack', function () {
  this.timeout(180_000);
  const home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-stack-'));
  const resultsRoot = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-load-'));
  let stack: StackDescription;
  let k6Binary = '';
  let k6Version = '';

  before(async function () {
    // On a fresh machine this builds the pinned k6 first (a few minutes), exactly as `fhirledger load` would.
    this.timeout(20 * 60_000);
    k6Binary = await ensureK6({ log: (line) => process.stderr.write(`      ${line}\n`) });
    k6Version = await checkK6(k6Binary, process.env, 'k6');
    const up = runCli([
      'up',
      '--home',
      home,
      '--port-offset',
      String(PORT_OFFSET),
      '--providers',
      '3',
      '--patients',
      '2',
      '--regulators',
      '1',
    ]);
    assert.equal(up.status, 0, up.stderr);
    const described = readStackDescription(home);
    assert.ok(described !== undefined, 'up wrote stack.json');
    stack = described;
  });
  after(() => {
    const down = runCli(['down', '--home', home, '--purge']);
    rmSync(resultsRoot, { recursive: true, force: true });
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stdout, /fhir-gateway/);
    assert.equal(existsSync(home), false);
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

  function smoke(overrides: Partial<LoadRunOptions> = {}): LoadRunOptions {
    return {
      scenario: 'smoke',
      baseUrl: stack.gatewayUrl,
      resultsRoot,
      username: 'provider{n}',
      password: readStackPassword(stack),
      thinkTimeSeconds: 0.1,
      vusMax: undefined,
      duration: '6s',
      payloadFile: undefined,
      userCount: 3,
      audit: {
        connectionProfile: stack.connectionProfile,
        credentialsStore: stack.credentialsStore,
        user: 'provider1',
      },
      verifyConcurrency: 8,
      extraEnv: { SMOKE_VUS: '2' },
      sutTargets: [],
      sutNotMonitoredReason: 'none given in this test',
      ...overrides,
    };
  }

  it('up says where everything is, and a second up leaves the running stack as it is', () => {
    assert.equal(stack.gatewayUrl, `http://127.0.0.1:${8080 + PORT_OFFSET}`);
    assert.deepEqual(stack.users, { providers: 3, patients: 2, regulators: 1 });
    const again = runCli(['up', '--home', home, '--providers', '3', '--patients', '2', '--regulators', '1']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already running/);
    assert.match(again.stdout, /0 enrolled from the CA now .* 6 kept/);
    assert.match(again.stdout, new RegExp(`FHIR gateway +${stack.gatewayUrl}/fhir`));
    assert.match(again.stdout, /password +in .*users\.password/);
  });

  it('a second up with more users enrols only the new ones and restarts the gateway so they can log in', async () => {
    const more = runCli(['up', '--home', home, '--providers', '4', '--patients', '2', '--regulators', '1']);
    assert.equal(more.status, 0, more.stderr);
    assert.match(more.stdout, /1 enrolled from the CA now .* 6 kept/);
    assert.doesNotMatch(more.stdout, /already running/);
    const login = await fetch(`${stack.gatewayUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        username: 'provider4',
        password: readStackPassword(stack),
      }),
    });
    assert.equal(login.status, 200, await login.text());
    assert.deepEqual(readStackDescription(home)?.users, { providers: 4, patients: 2, regulators: 1 });
  });

  it('`fhirledger load smoke` on the stack: 0 failed requests, every acknowledged write on the ledger', () => {
    const result = runCli(
      [
        'load',
        'smoke',
        '--stack-home',
        home,
        '--duration',
        '8s',
        '--think-time',
        '0.1',
        '--out',
        resultsRoot,
      ],
      { SMOKE_VUS: '2', LOAD_PASSWORD: '', BASE_URL: '' },
    );
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const audit = /acknowledged-write audit: (\d+) acknowledged, (\d+) on the ledger, 0 missing/.exec(
      result.stdout,
    );
    assert.ok(audit !== null, result.stdout);
    assert.ok(Number(audit[1]) > 0);
    assert.equal(audit[1], audit[2]);
    const runFolder = /run folder: (.+)/.exec(result.stdout)?.[1] ?? '';
    for (const file of [
      'summary.json',
      'report.md',
      'timeline.svg',
      'run.json',
      'points.json.gz',
      'dashboard.html',
      'sut.json',
      'sut.svg',
    ]) {
      assert.ok(existsSync(path.join(runFolder, file)), `${file} in ${runFolder}`);
    }
    const report = readFileSync(path.join(runFolder, 'report.md'), 'utf8');
    for (const op of ['login', 'create', 'retrieve', 'modify']) {
      assert.match(
        report,
        new RegExp(`^\\| ${op} \\| \\d+ \\| \\d+ \\| 0 \\| 0\\.0 % \\|`, 'm'),
        `row for ${op}`,
      );
    }
    assert.match(report, /\*\*PASSED\*\*/);
    // The gateway's Server-Timing phases reached k6: a real commit takes time.
    assert.match(report, /\| commit \| \d+ \| \d+\.\d \|/);
    assert.match(report, /\| k6 dashboard \| \[dashboard\.html\]\(dashboard\.html\)/);

    // Without SUT flags the stack home's processes were sampled: every devnet node and the gateway, k6 apart.
    const sutRow = (type: string, name: string): number[] => {
      const row = new RegExp(
        `^\\| ${type} \\| ${name.replace(/\./g, '\\.')} \\| \\d+ \\| ((?:[\\d.]+ \\| ){8})(\\d+) \\| ran throughout \\|$`,
        'm',
      ).exec(report);
      assert.ok(row !== null, `SUT row ${type} ${name} in\n${report}`);
      const cells = (row[1] ?? '')
        .split('|')
        .map((cell) => cell.trim())
        .filter((cell) => cell !== '');
      return [...cells.map(Number), Number(row[2])];
    };
    for (const [type, name] of [
      ['orderer', 'orderer.example.com'],
      ['peer', 'peer0.org1.example.com'],
      ['ca', 'ca.org1.example.com'],
      ['chaincode', 'chaincode-ehr'],
      ['gateway', 'fhir-gateway'],
    ] as const) {
      const [memoryMax, , , , , , tcpIn, tcpOut, samples] = sutRow(type, name);
      assert.ok((memoryMax ?? 0) > 20, `${name} RSS ${memoryMax} MB`);
      assert.ok((samples ?? 0) >= 6, `${name}: ${samples} samples in an 8 s run`);
      // Every request went k6 → gateway → peer → chaincode, and each write to the orderer: all carried traffic.
      if (type !== 'ca')
        assert.ok((tcpIn ?? 0) > 0 && (tcpOut ?? 0) > 0, `${name} TCP ${tcpIn}/${tcpOut} MB`);
    }
    assert.match(report, /^\| load generator \| k6 \| \d+ \| /m);
    assert.match(report, /Loopback interface, \*\*all processes on this host\*\* together/);
  });

  it('the audit reads the ledger itself: a write the ledger does not hold is reported missing', async () => {
    const runIo = io();
    const outcome = await runLoad(smoke({ duration: '4s' }), runIo);
    assert.equal(outcome.exitCode, 0, runIo.output());
    assert.ok(outcome.acknowledged !== undefined && outcome.acknowledged.checked > 0);
    assert.deepEqual(outcome.acknowledged.missing, []);

    const access = smoke().audit;
    assert.ok(access !== undefined);
    const audit = await openAuditLedger(access);
    try {
      const observed = await auditAcknowledgedWrites({
        ledger: audit.ledger,
        writes: [
          { key: 'Patient/never-written', version: '1', op: 'create' },
          { key: 'Patient/never-written-either', version: '', op: 'create' },
        ],
        concurrency: 2,
      });
      assert.equal(observed.checked, 2);
      assert.equal(observed.onLedger, 0);
      assert.match(
        observed.missing[0] ?? '',
        /^Patient\/never-written v1: not on the ledger \(CC_ERR_NOT_FOUND\)$/,
      );
    } finally {
      audit.close();
    }
  });

  it('thresholds bite: a wrong password makes every login 401, k6 exit 99 and the run fail', async () => {
    const runIo = io();
    const outcome = await runLoad(smoke({ password: 'not-the-password', duration: '3s' }), runIo);
    assert.equal(outcome.k6ExitCode, 99);
    // Finished, with findings: exit 3, not the 1 of a run that could not finish.
    assert.equal(outcome.exitCode, 3);
    assert.match(runIo.output(), /FAILED: SLO breached \(k6 exit 99\): .*http_req_failed rate<=0/);
    const report = readFileSync(path.join(outcome.runFolder, 'report.md'), 'utf8');
    assert.match(report, /\| 401 \| login \| \d+ \|/);
    assert.match(
      report,
      /\| 401 \| login \| `GW_INVALID_GRANT` \| gateway auth \| login or token refused \| \d+ \|/,
    );
    assert.match(report, /\*\*FAILED\*\*/);
    // The failures are drawn: one bar per 5 s bucket that had any.
    const svg = readFileSync(path.join(outcome.runFolder, 'timeline.svg'), 'utf8');
    // Vega draws each bucket with failures as a bar, and the panel title counts them.
    assert.ok((svg.match(/aria-roledescription="bar"/g) ?? []).length >= 1, 'a bar of failed requests');
    assert.match(svg, /throughput over time \(\d+ failed requests\)/);
  });

  it("setup() stops the run when the target is down past the CLI's check (k6 exit 107/108, runLoad exit 1)", async () => {
    const runIo = io();
    const outcome = await runLoad(smoke({ baseUrl: 'http://127.0.0.1:9', audit: undefined }), runIo);
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
    assert.match(report, /_no system-under-test process was monitored: none given in this test_/);
  });
});
