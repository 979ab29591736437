/**
 * The hostile-bytes cases against real dev networks (one per case, port offset 28000, one after another), through
 * the same `run(context)` the bench uses: every check a case makes must hold. A failing check is named in the
 * assertion message with what the case observed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultContext } from './fault-case.js';
import { HOSTILE_BYTES_CASES } from './hostile-bytes-cases.js';

const PORT_OFFSET = 28_000;

describe('hostile bytes at the devnet (issue 18)', function () {
  this.timeout(240_000);

  it('lists five cases in the hostile-bytes group with distinct ids', () => {
    assert.deepEqual(
      HOSTILE_BYTES_CASES.map((c) => c.id),
      ['malformed-requests', 'oversized-messages', 'rogue-chaincode', 'deliver-seeks', 'range-queries'],
    );
    assert.ok(HOSTILE_BYTES_CASES.every((c) => c.group === 'hostile-bytes' && c.summary.length > 0));
  });

  for (const faultCase of HOSTILE_BYTES_CASES) {
    it(`${faultCase.id}: ${faultCase.summary}`, async () => {
      const workDir = mkdtempSync(path.join(os.tmpdir(), `fhirledger-${faultCase.id}-`));
      const context: FaultContext = { portOffset: PORT_OFFSET, workDir, log: () => undefined };
      try {
        const outcome = await faultCase.run(context);
        const failed = Object.entries(outcome.checks)
          .filter(([, ok]) => !ok)
          .map(([name]) => name);
        assert.equal(outcome.id, faultCase.id);
        assert.equal(outcome.group, 'hostile-bytes');
        assert.ok(Object.keys(outcome.checks).length >= 5, 'a case checks at least five facts');
        assert.deepEqual(failed, [], `${faultCase.id}: ${outcome.happened}`);
        assert.equal(outcome.passed, true);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    });
  }
});
