/**
 * Runs issue 18's disk cases (the same code `fhirledger bench faults` runs) on real devnets at port offset 25000,
 * one after another, and asserts on the outcome's facts. The ENOSPC and EROFS cases mount scratch file systems:
 * without root they throw a ScratchMountError saying so, and the test fails with it (no skip).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DISK_CASES } from './disk-cases.js';
import type { FaultOutcome } from './fault-case.js';

const PORT_OFFSET = 25_000;

async function runCase(id: string): Promise<FaultOutcome> {
  const faultCase = DISK_CASES.find((candidate) => candidate.id === id);
  if (faultCase === undefined) throw new Error(`no disk case ${id}`);
  const workDir = mkdtempSync(path.join(tmpdir(), `fault-${id}-`));
  const log = (line: string) => process.stderr.write(`      [${id}] ${line}\n`);
  try {
    const outcome = await faultCase.run({ portOffset: PORT_OFFSET, workDir, log });
    log(`happened: ${outcome.happened}`);
    return outcome;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function failedChecks(outcome: FaultOutcome): string[] {
  return Object.entries(outcome.checks)
    .filter(([, held]) => !held)
    .map(([check]) => check);
}

describe('issue 18 disk faults on a live devnet', function () {
  this.timeout(300_000);

  it('lists three disk cases with unique ids', () => {
    assert.deepEqual(
      DISK_CASES.map((faultCase) => [faultCase.id, faultCase.group]),
      [
        ['peer-ledger-disk-full', 'disk'],
        ['peer-ledger-read-only', 'disk'],
        ['chaincode-deadline-exceeded', 'disk'],
      ],
    );
  });

  it('ENOSPC: writes refused with UNAVAILABLE naming ENOSPC, nothing half-committed, recovery without restart', async () => {
    const outcome = await runCase('peer-ledger-disk-full');
    assert.deepEqual(failedChecks(outcome), [], outcome.happened);
    assert.ok((outcome.acknowledged ?? 0) >= 4, `acknowledged ${String(outcome.acknowledged)}`);
    assert.equal(outcome.onLedger, outcome.acknowledged);
    assert.ok(outcome.recoverySeconds !== undefined && outcome.recoverySeconds < 60);
    assert.equal(outcome.passed, true);
  });

  it('EROFS: writes refused with UNAVAILABLE naming EROFS, repaired peer catches up, read-only start refused', async () => {
    const outcome = await runCase('peer-ledger-read-only');
    assert.deepEqual(failedChecks(outcome), [], outcome.happened);
    assert.equal(outcome.onLedger, outcome.acknowledged);
    assert.equal(outcome.passed, true);
  });

  it('slow chaincode: peer timeout and client deadline both reported, nothing committed', async () => {
    const outcome = await runCase('chaincode-deadline-exceeded');
    assert.deepEqual(failedChecks(outcome), [], outcome.happened);
    assert.match(outcome.happened, /timeout expired while executing transaction/);
    assert.match(outcome.happened, /DEADLINE_EXCEEDED/);
    assert.equal(outcome.passed, true);
  });
});
