import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestDevnet } from '../../../network/test/devnet.testkit.js';
import { parseLoadOptions } from '../cli.js';
import { linuxProcSource } from './proc-reader.js';
import { startSutMonitor } from './sut-sampler.js';
import { sutRow } from './sut-summary.js';
import { parseSutPid, selectSutTargets } from './sut-targets.js';

const ENV = { LOAD_PASSWORD: 'x' };

describe('SUT targets from flags', () => {
  let empty = '';
  beforeEach(() => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-sut-home-'));
  });
  afterEach(() => {
    rmSync(empty, { recursive: true, force: true });
  });

  it('reads NAME=PID, a name starting with gateway as the gateway', () => {
    assert.deepEqual(parseSutPid('gateway=123'), { name: 'gateway', role: 'gateway', pid: 123 });
    assert.deepEqual(parseSutPid('couchdb=9'), { name: 'couchdb', role: 'process', pid: 9 });
    for (const bad of ['gateway', 'gateway=', '=12', 'gateway=-1', 'gateway=1.5', 'a b=1']) {
      assert.throws(() => parseSutPid(bad), {
        name: 'UsageError',
        message: `--sut-pid "${bad}" is not NAME=PID (e.g. gateway=12345)`,
      });
    }
  });

  it('takes --sut-pid processes that are alive and refuses one that is not (exit 2)', async () => {
    const options = await parseLoadOptions(
      ['smoke', '--skip-verify', '--sut-pid', `gateway=${process.pid}`],
      {
        ...ENV,
        FHIRLEDGER_NETWORK_HOME: empty,
      },
    );
    assert.ok(options !== 'help');
    assert.deepEqual(options.sutTargets, [{ name: 'gateway', role: 'gateway', pid: process.pid }]);
    await assert.rejects(
      parseLoadOptions(['smoke', '--skip-verify', '--sut-pid', 'gateway=999999999'], ENV),
      {
        name: 'UsageError',
        message: '--sut-pid gateway=999999999: no such process',
      },
    );
  });

  it('refuses a --sut-home without a running devnet, and without flags says what was not monitored', async () => {
    await assert.rejects(parseLoadOptions(['smoke', '--skip-verify', '--sut-home', empty], ENV), {
      name: 'UsageError',
      message: `--sut-home ${empty}: no devnet node is running there (see fhirledger network status)`,
    });
    const selection = await selectSutTargets(undefined, empty, []);
    assert.deepEqual(selection.targets, []);
    assert.equal(
      selection.notMonitoredReason,
      `nothing runs at ${empty} and no --sut-pid was given (only k6 was sampled)`,
    );
  });
});

describe('SUT targets and sampling on a live devnet (port offset 34500)', function () {
  this.timeout(180_000);
  const devnet = new TestDevnet(34500);

  before(() => {
    const up = devnet.up();
    assert.equal(up.status, 0, up.stderr);
  });
  after(() => {
    devnet.destroy();
  });

  it('finds orderer, peer, CA and chaincode server by pid, samples them, and shows a killed node as exited', async () => {
    const selection = await selectSutTargets(devnet.home, '/nonexistent', []);
    assert.deepEqual(selection.targets.map((t) => [t.name, t.role]).sort(), [
      ['ca.org1.example.com', 'ca'],
      ['chaincode-ehr', 'chaincode'],
      ['orderer.example.com', 'orderer'],
      ['peer0.org1.example.com', 'peer'],
    ]);
    // With no flags and the devnet as the default (stack) home, the same nodes are picked; a --sut-pid naming one
    // of them adds nothing.
    const peerPid = selection.targets.find((t) => t.role === 'peer')?.pid;
    const byDefault = await selectSutTargets(undefined, devnet.home, [`gateway=${peerPid}`]);
    assert.deepEqual(byDefault.targets, selection.targets);

    const monitor = await startSutMonitor(selection.targets, linuxProcSource(), {
      intervalMs: 250,
      maxTicks: 100,
    });
    await sleep(1000);
    const killed = devnet.network('kill', 'chaincode-ehr');
    assert.equal(killed.status, 0, killed.stderr);
    await sleep(1000);
    const recording = await monitor.stop();

    for (const track of recording.tracks) {
      const row = sutRow(track);
      assert.ok(row.samples >= 2, `${track.name}: ${row.samples} samples`);
      assert.ok(row.memoryMaxMb > 20, `${track.name}: RSS ${row.memoryMaxMb} MB`);
      assert.ok(row.diskWriteMb !== null && row.tcpInMb !== null, `${track.name}: io and TCP readable`);
      assert.equal(
        row.status.startsWith('exited at'),
        track.name === 'chaincode-ehr',
        `${track.name}: ${row.status}`,
      );
    }
  });
});
