import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EXPERIMENT_PROCESS } from '../experiments.js';
import type { RunEnvironment } from '../run-folder.js';
import type { FaultCase, FaultOutcome } from './fault-case.js';
import { runFaultCases } from './fault-runner.js';
import { faultsPage, mergeOutcomes, type FaultsRecord, type StoredOutcome } from './faults-page.js';

const ENVIRONMENT: RunEnvironment = {
  commit: 'abc1234def',
  dirty: false,
  node: 'v20.0.0',
  platform: 'linux test x64',
  cpus: 2,
  cpuModel: 'Test CPU',
  memoryGiB: 4,
  startedAt: '2026-11-30T16:00:00.000Z',
};

function stored(outcome: FaultOutcome): StoredOutcome {
  return {
    outcome,
    startedAt: '2026-11-30T16:01:00.000Z',
    seconds: 42,
    portOffset: 23000,
    commit: 'abc1234def',
  };
}

const PASSED: FaultOutcome = {
  id: 'peer-kill-during-load',
  group: 'process',
  done: 'the peer SIGKILLed under load',
  happened: '120 requests, 4 failed (create 503 UNAVAILABLE ×4)',
  passed: true,
  checks: { 'every acknowledged write is on the ledger': true },
  acknowledged: 60,
  onLedger: 60,
  recoverySeconds: 1.4,
};

describe('bench faults: the runner and the results page', () => {
  it('keeps a case that throws as a failing outcome with the error text, and the page lists it as failing', async () => {
    const throwing: FaultCase = {
      id: 'orderer-kill-during-load',
      group: 'process',
      summary: 'the orderer SIGKILLed under load',
      run: () => Promise.reject(new Error('network up exited 1: port 30050 | in use')),
    };
    const passing: FaultCase = {
      id: PASSED.id,
      group: 'process',
      summary: PASSED.done,
      run: () => Promise.resolve(PASSED),
    };
    const offsets: number[] = [];
    const ran = await runFaultCases([passing, throwing], {
      portOffsets: [23000, 33000],
      log: () => undefined,
    });
    offsets.push(...ran.map((entry) => entry.portOffset));
    assert.deepEqual(offsets, [23000, 33000], 'each case gets its own offset, in turn');
    const thrown = ran[1]?.outcome;
    assert.equal(thrown?.passed, false);
    assert.equal(thrown.id, 'orderer-kill-during-load');
    assert.match(thrown.happened, /network up exited 1: port 30050 \| in use/);

    const record: FaultsRecord = {
      experiment: 'faults',
      environment: ENVIRONMENT,
      command: 'fhirledger bench faults --group process',
      outcomes: ran.map((entry) => ({ ...entry, commit: ENVIRONMENT.commit })),
    };
    const page = faultsPage(record, { process: ['No gateway kill during a migration.'] });
    assert.match(page, /\*\*2 cases: 1 passed, 1 failing\.\*\*/);
    assert.match(page, /- `process\/orderer-kill-during-load`: \*\*FAILING\*\*: the case ran to its verdict/);
    const row = page.split('\n').find((line) => line.startsWith('| `orderer-kill-during-load`'));
    assert.ok(row, page);
    // The pipe in the error text is escaped so the table keeps its columns.
    assert.match(row, /port 30050 \\\| in use/);
    assert.match(row, /\| \*\*FAILING\*\*: the case ran to its verdict \|$/);
    assert.match(page, /\| `peer-kill-during-load` \| .* \| 60 \/ 60 \| 1\.4 \| — \| passed \|/);
    assert.match(page, /- No gateway kill during a migration\./);
    assert.match(page, /## disk\n\n_No case of this group has run yet\._/);
    assert.match(page, /Measured at abc1234def: \d{4}-\d\d-\d\d \d\d:\d\d( – \d\d:\d\d)? UTC\./);
  });

  it('counts acknowledged writes missing from the ledger and names each failed check', () => {
    const lost: FaultOutcome = {
      ...PASSED,
      id: 'chaincode-kill-during-load',
      passed: false,
      checks: { 'every acknowledged write is on the ledger': false, 'success again after the restart': true },
      acknowledged: 50,
      onLedger: 47,
    };
    const page = faultsPage(
      {
        experiment: 'faults',
        environment: ENVIRONMENT,
        command: 'c',
        outcomes: [stored(PASSED), stored(lost)],
      },
      {},
    );
    assert.match(page, /Acknowledged writes not on the ledger: 3\./);
    assert.match(
      page,
      /\| 50 \/ 47 \| 1\.4 \| — \| \*\*FAILING\*\*: every acknowledged write is on the ledger \|/,
    );
  });

  it('replaces the rows of the cases run now and keeps the others, in case order', () => {
    const older = stored({ ...PASSED, happened: 'old run' });
    const other = stored({ ...PASSED, id: 'disk-full', group: 'disk' });
    const newer = stored({ ...PASSED, happened: 'new run' });
    const merged = mergeOutcomes([other, older], [newer], ['peer-kill-during-load', 'disk-full']);
    assert.deepEqual(
      merged.map((entry) => [entry.outcome.id, entry.outcome.happened]),
      [
        ['peer-kill-during-load', 'new run'],
        ['disk-full', PASSED.happened],
      ],
    );
  });

  it('`bench faults` refuses an unknown group or case with exit 2 and lists the process cases', function () {
    // Three processes that each load every case module: seconds on a busy 2-core machine.
    this.timeout(60_000);
    const bad = spawnSync(process.execPath, [EXPERIMENT_PROCESS, 'faults', '--group', 'network'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--group "network" is not one of process, disk, auth, hostile-bytes/);
    const unknown = spawnSync(process.execPath, [EXPERIMENT_PROCESS, 'faults', '--case', 'nope'], {
      encoding: 'utf8',
    });
    assert.equal(unknown.status, 2);
    const list = spawnSync(process.execPath, [EXPERIMENT_PROCESS, 'faults', '--list', '--group', 'process'], {
      encoding: 'utf8',
    });
    assert.equal(list.status, 0, list.stderr);
    for (const id of ['peer-kill-during-load', 'gateway-kill-during-load', 'chaincode-kill-during-migration'])
      assert.match(list.stdout, new RegExp(`process +${id} `));
    assert.doesNotMatch(list.stdout, /gateway-kill-during-migration/);
  });
});
