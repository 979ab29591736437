/**
 * Agreement with the HL7 Java validator on fhir-test-cases (shared/data/fhir-r4-validator-cases, 94 R4 cases with the
 * validator's verdicts; see its README). A false rejection — a case the validator accepts and the migrator refuses —
 * fails the test; a miss (an invalid case the migrator accepts) is reported, because much of what the validator
 * checks needs a terminology server, profiles or cross-resource resolution (see migrator/README.md).
 *
 * The cases are beside the repository: <repo>/../shared/data/fhir-r4-validator-cases (CI lays shared/ there too).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testPipeline } from './test-pipeline.testkit.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CASES_DIR = path.resolve(repoRoot, '..', 'shared', 'data', 'fhir-r4-validator-cases');

interface ExpectedCase {
  name: string;
  file: string;
  valid: boolean;
  module: string;
  errors: string[];
}

describe('agreement with the HL7 Java validator (fhir-r4-validator-cases)', () => {
  it('refuses no case the HL7 validator accepts; prints agreement, false rejections and misses', () => {
    assert.ok(
      existsSync(path.join(CASES_DIR, 'expected.json')),
      `the validator cases are missing: expected ${CASES_DIR}/expected.json (shared/ beside the repository)`,
    );
    const cases = JSON.parse(readFileSync(path.join(CASES_DIR, 'expected.json'), 'utf8')) as ExpectedCase[];
    // Default migrator options, except --assign-ids: FHIR does not require an id, the ledger key does.
    const pipeline = testPipeline({ assignIds: true });
    const falseRejections: string[] = [];
    const misses: string[] = [];
    let agree = 0;
    for (const entry of cases) {
      const text = readFileSync(path.join(CASES_DIR, entry.file), 'utf8');
      const result = pipeline.processText(text, { source: entry.file });
      const accepted = result.kind === 'accepted';
      if (accepted === entry.valid) agree += 1;
      else if (result.kind === 'rejected') {
        falseRejections.push(`${entry.name}: ${result.issues.map((issue) => issue.message).join(' | ')}`);
      } else misses.push(`${entry.name} (${entry.module}): ${entry.errors[0] ?? ''}`.slice(0, 160));
    }
    const valid = cases.filter((entry) => entry.valid).length;
    console.log(
      `      validator cases: ${cases.length} (${valid} valid, ${cases.length - valid} invalid); agree ${agree} (${((100 * agree) / cases.length).toFixed(1)} %); false rejections ${falseRejections.length}; misses ${misses.length}`,
    );
    for (const miss of misses) console.log(`        miss: ${miss}`);
    assert.equal(cases.length, 94);
    assert.deepEqual(falseRejections, [], 'cases the HL7 validator accepts were refused');
    // The invalid cases caught today; fewer means a check was lost.
    assert.ok(agree >= 68, `agreement fell to ${agree} of ${cases.length}`);
  });
});
