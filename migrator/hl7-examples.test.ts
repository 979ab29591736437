/**
 * HL7's official R4 examples (npm `hl7.fhir.r4.examples` 4.0.1, 5,306 files) through the real pipeline: no false
 * rejections. By default every example of at most 1 MiB (the migrator's default --max-record-bytes): 5,291 files,
 * 67 MiB, about 25 s on the 2-core build machine under load. The 15 larger files are the spec's definition Bundles
 * (Bundle-resources.json is 35 MB) and take another ~100 s; FHIRLEDGER_HL7_EXAMPLES=all includes them.
 *
 * Twelve small examples break rules of the R4 base definitions themselves, so refusing them is right; they are
 * listed below with the rule, and the test fails if any other example is refused or if one of them is accepted.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { testPipeline } from './test-pipeline.testkit.js';

const require = createRequire(import.meta.url);
const EXAMPLES_DIR = path.dirname(require.resolve('hl7.fhir.r4.examples/package.json'));
const SMALL = 1 << 20;

const SEARCH_PARAMETER_WITHOUT_BASE = [
  'codesystem-extensions-CodeSystem-author',
  'codesystem-extensions-CodeSystem-effective',
  'codesystem-extensions-CodeSystem-end',
  'codesystem-extensions-CodeSystem-keyword',
  'codesystem-extensions-CodeSystem-workflow',
  'valueset-extensions-ValueSet-author',
  'valueset-extensions-ValueSet-effective',
  'valueset-extensions-ValueSet-end',
  'valueset-extensions-ValueSet-keyword',
  'valueset-extensions-ValueSet-workflow',
];

/** File → a fragment of the message that refuses it, i.e. the R4 rule it breaks. */
const INVALID_BY_R4: Record<string, string> = {
  ...Object.fromEntries(
    SEARCH_PARAMETER_WITHOUT_BASE.map((name) => [
      `SearchParameter-${name}.json`,
      'required element SearchParameter.base', // SearchParameter.base is 1..*
    ]),
  ),
  // Its id has 68 characters; a FHIR id has at most 64.
  'SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json':
    'is not a FHIR id',
  // Questionnaire.item.linkId is 1..1.
  'Questionnaire-qs1.json': 'required element Questionnaire.item[0].item[0].linkId',
  // Over 1 MiB, only with FHIRLEDGER_HL7_EXAMPLES=all: the IG manifest names that 68-character id, and has no name.
  'ImplementationGuide-fhir.json': 'required element ImplementationGuide.name',
  'ig-r4.json': 'required element ImplementationGuide.name',
};

describe('HL7 R4 examples (hl7.fhir.r4.examples): zero false rejections', function () {
  this.timeout(600_000);

  it('accepts every example except those that break the R4 definitions, and refuses those for that reason', () => {
    const all = process.env.FHIRLEDGER_HL7_EXAMPLES === 'all';
    const files = readdirSync(EXAMPLES_DIR)
      .filter((name) => name.endsWith('.json') && name !== 'package.json')
      .sort();
    assert.ok(files.length > 5000, `expected the 5,306 examples in ${EXAMPLES_DIR}, found ${files.length}`);
    // Ids are not required by FHIR (a ledger key is the migrator's need): --assign-ids gives them one.
    const pipeline = testPipeline({ assignIds: true, maxRecordBytes: 64 << 20 });
    const started = performance.now();
    let accepted = 0;
    let skipped = 0;
    const refused = new Map<string, string>();
    for (const name of files) {
      const file = path.join(EXAMPLES_DIR, name);
      if (!all && statSync(file).size > SMALL) {
        skipped += 1;
        continue;
      }
      const result = pipeline.processText(readFileSync(file, 'utf8'), { source: name });
      if (result.kind === 'accepted') accepted += 1;
      else refused.set(name, result.issues.map((issue) => issue.message).join(' | '));
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `      HL7 R4 examples: ${accepted + refused.size} checked (${skipped} over 1 MiB skipped), ${accepted} accepted, ${refused.size} refused (all by an R4 rule they break), ${seconds} s`,
    );
    const falseRejections = [...refused].filter(([name]) => INVALID_BY_R4[name] === undefined);
    assert.deepEqual(falseRejections, [], 'valid HL7 examples refused');
    for (const [name, rule] of Object.entries(INVALID_BY_R4)) {
      if (!all && statSync(path.join(EXAMPLES_DIR, name)).size > SMALL) continue;
      assert.ok(
        refused.get(name)?.includes(rule),
        `${name}: expected a refusal containing "${rule}", got ${refused.get(name) ?? 'accepted'}`,
      );
    }
  });
});
