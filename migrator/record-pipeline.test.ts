import assert from 'node:assert/strict';
import type { Observation, Patient } from 'fhir/r4.js';
import type { RecordResult } from './record-pipeline.js';
import { testPipeline } from './test-pipeline.testkit.js';

const at = { source: 'input.ndjson', line: 1043 };

function accepted(result: RecordResult): Extract<RecordResult, { kind: 'accepted' }> {
  assert.equal(result.kind, 'accepted', JSON.stringify(result));
  return result;
}

function rejected(result: RecordResult): Extract<RecordResult, { kind: 'rejected' }> {
  assert.equal(result.kind, 'rejected', JSON.stringify(result));
  return result;
}

const patient = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ resourceType: 'Patient', id: 'p1', ...extra });

describe('RecordPipeline cleaning (C1–C6)', () => {
  const pipeline = testPipeline();

  it('accepts a valid Patient untouched', () => {
    const record: Patient = { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1980-08-14' };
    const result = accepted(pipeline.processText(JSON.stringify(record), at));
    assert.deepEqual(result.resource, record);
    assert.deepEqual(result.fixes, []);
    assert.equal(result.key, 'Patient/p1');
  });

  it('C1 trims strings and drops those that become empty', () => {
    const result = accepted(
      pipeline.processText(patient({ name: [{ family: '  Smith ', given: ['   '] }] }), at),
    );
    assert.deepEqual(result.resource.name, [{ family: 'Smith' }]);
    assert.deepEqual(result.fixes, [
      { code: 'C1', path: 'Patient.name[0].family', before: '  Smith ', after: 'Smith' },
      { code: 'C1', path: 'Patient.name[0].given[0]', before: '   ', after: '' },
      { code: 'C2', path: 'Patient.name[0].given', before: [] },
    ]);
  });

  it('C2 drops nulls, empty strings, empty arrays and empty objects', () => {
    const result = accepted(
      pipeline.processText(patient({ gender: null, birthDate: '', telecom: [], maritalStatus: {} }), at),
    );
    assert.deepEqual(result.resource, { resourceType: 'Patient', id: 'p1' });
    assert.deepEqual(
      result.fixes.map((fix) => `${fix.code} ${fix.path}`),
      ['C2 Patient.gender', 'C2 Patient.birthDate', 'C2 Patient.telecom', 'C2 Patient.maritalStatus'],
    );
  });

  it('C3 maps wrong case and synonyms of a required binding to the canonical code', () => {
    const male = accepted(pipeline.processText(patient({ gender: 'M' }), at));
    assert.equal(male.resource.gender, 'male');
    assert.deepEqual(male.fixes, [{ code: 'C3', path: 'Patient.gender', before: 'M', after: 'male' }]);
    assert.equal(accepted(pipeline.processText(patient({ gender: 'FEMALE' }), at)).resource.gender, 'female');
    const observation: Observation = {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'pulse' },
    };
    const final = accepted(pipeline.processText(JSON.stringify({ ...observation, status: 'Final' }), at));
    assert.deepEqual(final.fixes, [
      { code: 'C3', path: 'Observation.status', before: 'Final', after: 'final' },
    ]);
  });

  it('C4 rewrites unambiguous dates and gives a time without zone the default zone', () => {
    const result = accepted(
      pipeline.processText(
        JSON.stringify({
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          code: { text: 'pulse' },
          effectiveDateTime: '2020-01-02 10:11:12',
          issued: '2020-01-02T10:11:12',
        }),
        at,
      ),
    );
    assert.equal(result.resource.effectiveDateTime, '2020-01-02T10:11:12Z');
    assert.equal(result.resource.issued, '2020-01-02T10:11:12Z');
    assert.equal(
      accepted(pipeline.processText(patient({ birthDate: '1980/8/14' }), at)).resource.birthDate,
      '1980-08-14',
    );
    const zoned = testPipeline({ defaultZone: '+01:00' });
    const withZone = accepted(
      zoned.processText(
        JSON.stringify({
          resourceType: 'Encounter',
          id: 'e1',
          status: 'finished',
          class: { code: 'AMB' },
          period: { start: '2020-01-02T08:00:00' },
        }),
        at,
      ),
    );
    assert.deepEqual(withZone.resource.period, { start: '2020-01-02T08:00:00+01:00' });
  });

  it('C4 reads NN/NN/YYYY only with --date-order', () => {
    assert.equal(
      accepted(testPipeline({ dateOrder: 'dmy' }).processText(patient({ birthDate: '03/04/2020' }), at))
        .resource.birthDate,
      '2020-04-03',
    );
    assert.equal(
      accepted(testPipeline({ dateOrder: 'mdy' }).processText(patient({ birthDate: '03/04/2020' }), at))
        .resource.birthDate,
      '2020-03-04',
    );
  });

  it('C5 types numbers and booleans written as strings, from the schema types', () => {
    const result = accepted(
      pipeline.processText(
        JSON.stringify({
          resourceType: 'Patient',
          id: 'p1',
          active: 'TRUE',
          multipleBirthInteger: '2',
          deceasedBoolean: 'false',
        }),
        at,
      ),
    );
    assert.equal(result.resource.active, true);
    assert.equal(result.resource.multipleBirthInteger, 2);
    assert.equal(result.resource.deceasedBoolean, false);
    assert.deepEqual(
      result.fixes.map((fix) => fix.code),
      ['C5', 'C5', 'C5'],
    );
  });

  it('C6 normalises to NFC and removes control characters', () => {
    const decomposed = 'Mu\u0308ller\u0007';
    const result = accepted(pipeline.processText(patient({ name: [{ family: decomposed }] }), at));
    assert.deepEqual(result.resource.name, [{ family: 'M\u00fcller' }]);
    assert.deepEqual(result.fixes, [
      { code: 'C6', path: 'Patient.name[0].family', before: decomposed, after: 'M\u00fcller' },
    ]);
  });

  it('hashes the cleaned content, so a dirty and a clean copy of a record hash alike', () => {
    const dirty = accepted(pipeline.processText(patient({ gender: 'F', birthDate: '1980/08/14' }), at));
    const clean = accepted(pipeline.processText(patient({ gender: 'female', birthDate: '1980-08-14' }), at));
    assert.equal(dirty.hash, clean.hash);
  });
});

describe('RecordPipeline rejections (R1–R4, R6–R8)', () => {
  const pipeline = testPipeline();

  it('R1 unparseable JSON', () => {
    const result = rejected(pipeline.processText('{"resourceType":"Patient",', at));
    assert.equal(result.reason, 'R1');
    assert.match(result.issues[0]?.message ?? '', /^record at input\.ndjson:1043 is not valid JSON: /);
  });

  it('R2 missing or unknown resourceType', () => {
    assert.deepEqual(
      rejected(pipeline.processText('{"id":"x"}', at)).issues[0]?.message,
      'resourceType missing (input.ndjson:1043)',
    );
    const unknown = rejected(pipeline.processText('{"resourceType":"Patinet","id":"x"}', at));
    assert.equal(unknown.reason, 'R2');
    assert.equal(
      unknown.issues[0]?.message,
      'resourceType "Patinet" (input.ndjson:1043) is not an R4 resource type',
    );
    assert.equal(rejected(pipeline.processText('[1,2]', at)).reason, 'R2');
  });

  it('R3 missing or invalid id, unless --assign-ids derives one from the content', () => {
    const missing = rejected(pipeline.processText('{"resourceType":"Patient","gender":"male"}', at));
    assert.equal(missing.reason, 'R3');
    assert.equal(
      missing.issues[0]?.message,
      'id missing at Patient.id (input.ndjson:1043); expected 1–64 characters of A-Z, a-z, 0-9, "-" and ".", or pass --assign-ids',
    );
    const invalid = rejected(pipeline.processText(patient({ id: 'p 1' }), at));
    assert.equal(invalid.reason, 'R3');
    assert.equal(
      invalid.issues[0]?.message,
      'id "p 1" at Patient.id (input.ndjson:1043) is not a FHIR id (1–64 characters of A-Z, a-z, 0-9, "-" and ".")',
    );
    const assigning = testPipeline({ assignIds: true });
    const first = accepted(assigning.processText('{"resourceType":"Patient","gender":"male"}', at));
    const again = accepted(assigning.processText('{"resourceType":"Patient","gender":"male"}', at));
    assert.equal(first.assignedId, true);
    assert.match(first.key, /^Patient\/[0-9a-f]{32}$/);
    assert.equal(first.key, again.key);
  });

  it('R4 date the cleaner cannot read, with location and expected format', () => {
    const result = rejected(pipeline.processText(patient({ birthDate: '14/08/1980' }), at));
    assert.equal(result.reason, 'R4');
    assert.deepEqual(result.issues, [
      {
        reason: 'R4',
        path: 'Patient.birthDate',
        type: 'value',
        message:
          'birthDate "14/08/1980" at Patient.birthDate (input.ndjson:1043) is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD); day and month order is ambiguous, pass --date-order dmy|mdy',
      },
    ]);
    const unreadable = rejected(pipeline.processText(patient({ birthDate: 'last spring' }), at));
    assert.equal(
      unreadable.issues[0]?.message,
      'birthDate "last spring" at Patient.birthDate (input.ndjson:1043) is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)',
    );
  });

  it('R4 schema violations: unknown element, bad code, wrong type', () => {
    const result = rejected(
      pipeline.processText(patient({ gender: 'robot', colour: 'blue', active: 'maybe' }), at),
    );
    assert.equal(result.reason, 'R4');
    assert.deepEqual(
      result.issues.map((issue) => issue.message),
      [
        'unknown element "colour" at Patient.colour (input.ndjson:1043); expected an element defined for Patient',
        'active "maybe" at Patient.active (input.ndjson:1043) is not a boolean (JSON boolean)',
        'gender "robot" at Patient.gender (input.ndjson:1043) is not one of male, female, other, unknown',
      ],
    );
  });

  it('R6 oversize records, measured before parsing', () => {
    const small = testPipeline({ maxRecordBytes: 64 });
    const text = `{"resourceType":"Patient","id":"p1","name":[{"family":"${'x'.repeat(80)}"}]`;
    const result = rejected(small.processText(text, at));
    assert.equal(result.reason, 'R6');
    assert.equal(
      result.issues[0]?.message,
      `record at input.ndjson:1043 is ${text.length} bytes, over --max-record-bytes 64`,
    );
  });

  it('R7 malformed references, saying why', () => {
    const result = rejected(
      pipeline.processText(patient({ managingOrganization: { reference: 'Organisation/' } }), at),
    );
    assert.equal(result.reason, 'R7');
    assert.equal(
      result.issues[0]?.message,
      'reference "Organisation/" at Patient.managingOrganization.reference (input.ndjson:1043) is not a FHIR reference: "Organisation" is not an R4 resource type (expected Type/id[/_history/version], Type?search, an absolute URL, urn:uuid:, urn:oid: or #contained-id)',
    );
    for (const good of [
      'Organization/o1',
      'Organization/o1/_history/2',
      'http://example.org/fhir/Organization/o1',
      'http://www.jurisdiction.com/nationalplan/123AB345',
      'urn:uuid:0b7c2a5e-7c4f-4d3e-9f7a-1c2b3d4e5f60',
      'urn:oid:1.2.840.113619.6.197',
      'Organization?identifier=http://hl7.org/fhir/sid/us-npi|9999999999',
    ]) {
      accepted(pipeline.processText(patient({ managingOrganization: { reference: good } }), at));
    }
  });

  it('R8 impossible calendar dates, also after a C4 rewrite', () => {
    const result = rejected(pipeline.processText(patient({ birthDate: '2021-02-29' }), at));
    assert.equal(result.reason, 'R8');
    assert.equal(
      result.issues[0]?.message,
      'birthDate "2021-02-29" at Patient.birthDate (input.ndjson:1043) is not a real calendar date (February 2021 has 28 days)',
    );
    const rewritten = rejected(pipeline.processText(patient({ birthDate: '2020/04/31' }), at));
    assert.equal(rewritten.reason, 'R8');
    assert.deepEqual(
      rewritten.fixes.map((fix) => fix.code),
      ['C4'],
    );
    accepted(pipeline.processText(patient({ birthDate: '2020-02-29' }), at));
  });

  it('names Bundle entries in locations', () => {
    const result = rejected(
      pipeline.processText(JSON.stringify({ resourceType: 'Patient', id: 'p1', birthDate: '1999-13-01' }), {
        source: 'b.json',
        entry: 7,
      }),
    );
    assert.match(result.issues[0]?.message ?? '', /\(b\.json#entry\[7\]\)/);
  });
});
