/**
 * Issue 18's process faults in `npm test`, through the same case code `fhirledger bench faults` runs: the peer and
 * the gateway SIGKILLed under a real k6 load through the real gateway of a `fhirledger up` stack, and the chaincode server
 * SIGKILLed under a live `fhirledger migrate` followed by `migrate verify`. Port offset 22000; each case starts and
 * purges its own network.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultOutcome } from './fault-case.js';
import { PROCESS_CASES } from './process-cases.js';

const PORT_OFFSET = 22000;

async function runCase(id: string): Promise<FaultOutcome> {
  const fault = PROCESS_CASES.find((candidate) => candidate.id === id);
  assert.ok(fault, `no process case ${id}`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), `fhirledger-fault-test-${id}-`));
  try {
    return await fault.run({ portOffset: PORT_OFFSET, workDir, log: () => undefined });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

describe('process faults on the live stack (issue 18)', function () {
  this.timeout(300_000);

  it('the peer killed under a k6 load: clients get 503 / 504, never a hang, and every acknowledged write is on the ledger', async () => {
    const outcome = await runCase('peer-kill-during-load');
    assert.equal(outcome.passed, true, `${outcome.happened}\n${JSON.stringify(outcome.checks, null, 2)}`);
    assert.ok((outcome.acknowledged ?? 0) > 0, 'the load acknowledged no write');
    assert.equal(outcome.onLedger, outcome.acknowledged);
    const failures = (outcome.details?.failures ?? []) as { status: number; code: string; count: number }[];
    assert.ok(failures.length > 0, 'no client saw the fault');
    for (const failure of failures) assert.ok([503, 504].includes(failure.status), JSON.stringify(failure));
    assert.ok(
      (outcome.details?.maxRequestMs as number) <= 32_000,
      `a request took ${String(outcome.details?.maxRequestMs)} ms`,
    );
    assert.ok(outcome.recoverySeconds !== undefined && outcome.recoverySeconds < 30, outcome.happened);
  });

  it('the gateway killed under a k6 load and restarted by `fhirledger up`: refused connections while down, the tokens it issued still valid after', async () => {
    const outcome = await runCase('gateway-kill-during-load');
    assert.equal(outcome.passed, true, `${outcome.happened}\n${JSON.stringify(outcome.checks, null, 2)}`);
    assert.equal(outcome.onLedger, outcome.acknowledged);
    const failures = (outcome.details?.failures ?? []) as { status: number; code: string }[];
    // Before the stack kept one signing key, every request after the restart was a 401 GW_INVALID_TOKEN.
    for (const failure of failures)
      assert.ok([0, 503, 504].includes(failure.status), JSON.stringify(failure));
    assert.ok(outcome.recoverySeconds !== undefined, outcome.happened);
  });

  it('the chaincode server killed under a live migration: it finishes (resumed if stopped) and migrate verify finds the ledger equal to the input', async () => {
    const outcome = await runCase('chaincode-kill-during-migration');
    assert.equal(outcome.passed, true, `${outcome.happened}\n${JSON.stringify(outcome.checks, null, 2)}`);
    assert.ok((outcome.acknowledged ?? 0) > 1000, `only ${String(outcome.acknowledged)} records loaded`);
    assert.equal(outcome.onLedger, outcome.acknowledged);
    assert.deepEqual(
      { ...(outcome.details?.verifyCounts as object) },
      {
        ...(outcome.details?.verifyCounts as object),
        missing: 0,
        hashMismatch: 0,
        unexpected: 0,
        damaged: 0,
        rewritten: 0,
      },
    );
    assert.ok(outcome.recoverySeconds !== undefined, outcome.happened);
  });
});
