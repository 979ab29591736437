/**
 * What the R4 JSON schema cannot express and the HL7 validator checks: required elements from the R4
 * StructureDefinitions, primitive formats, invariants, contained-resource rules. Through the real pipeline.
 */
import assert from 'node:assert/strict';
import type { RecordResult } from './record-pipeline.js';
import { testPipeline } from './test-pipeline.testkit.js';

const at = { source: 'input.ndjson', line: 7 };
const pipeline = testPipeline();

function run(resource: Record<string, unknown>): RecordResult {
  return pipeline.processText(JSON.stringify(resource), at);
}

function accepts(resource: Record<string, unknown>): void {
  const result = run(resource);
  assert.equal(result.kind, 'accepted', JSON.stringify(result.kind === 'rejected' ? result.issues : result));
}

function refuses(resource: Record<string, unknown>, messages: string[], reason = 'R4'): void {
  const result = run(resource);
  assert.equal(result.kind, 'rejected', `expected a rejection: ${JSON.stringify(resource)}`);
  assert.equal(result.reason, reason);
  assert.deepEqual(
    result.issues.map((issue) => issue.message),
    messages,
  );
}

const observation = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  ...extra,
});

describe('required elements (min cardinality from the R4 StructureDefinitions)', () => {
  it('refuses an Observation without status, naming the element and the cardinality', () => {
    refuses({ resourceType: 'Observation', id: 'o1', code: { text: 'x' } }, [
      'required element Observation.status (input.ndjson:7): expected 1..*, but found 0 (min cardinality in the R4 definition)',
    ]);
  });

  it('checks required elements of backbone elements and data types where they occur', () => {
    refuses(observation({ component: [{ valueQuantity: { value: 1 } }] }), [
      'required element Observation.component[0].code (input.ndjson:7): expected 1..*, but found 0 (min cardinality in the R4 definition)',
    ]);
    refuses(observation({ extension: [{ valueString: 'x' }] }), [
      'required element Observation.extension[0].url (input.ndjson:7): expected 1..*, but found 0 (min cardinality in the R4 definition)',
    ]);
  });

  it('counts a choice element by any of its typed names, and a primitive present only by its extensions', () => {
    const request = {
      resourceType: 'MedicationRequest',
      id: 'm1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
    };
    refuses(request, [
      'required element MedicationRequest.medication[x] (input.ndjson:7): expected 1..*, but found 0 (min cardinality in the R4 definition)',
    ]);
    accepts({ ...request, medicationReference: { reference: 'Medication/x' } });
    accepts(
      observation({
        status: undefined,
        _status: {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
          ],
        },
      }),
    );
  });

  it('an element emptied by cleaning (C2) is missing, not silently accepted', () => {
    refuses(observation({ status: '   ' }), [
      'required element Observation.status (input.ndjson:7): expected 1..*, but found 0 (min cardinality in the R4 definition)',
    ]);
  });
});

describe('contained resources (ref-1, dom-2…dom-5)', () => {
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    contained: [{ resourceType: 'Organization', id: 'org1', name: 'Clinic' }],
    managingOrganization: { reference: '#org1' },
  };

  it('accepts a #id reference to a contained resource, and # from a contained resource to its container', () => {
    accepts(patient);
    accepts({
      resourceType: 'Patient',
      id: 'p1',
      contained: [
        {
          resourceType: 'Provenance',
          id: 'prov',
          recorded: '2020-01-01T00:00:00Z',
          target: [{ reference: '#' }],
          agent: [{ who: { display: 'x' } }],
        },
      ],
    });
  });

  it('ref-1 refuses a #id reference to no contained resource', () => {
    refuses(
      { ...patient, managingOrganization: { reference: '#org2' } },
      [
        'reference "#org2" at Patient.managingOrganization.reference (input.ndjson:7) names no contained resource (contained ids: org1) [ref-1]',
        'contained resource "org1" is not referenced from the resource (no "#org1") at Patient.contained[0] (input.ndjson:7) [dom-3]',
      ],
      'R7',
    );
    refuses(
      { resourceType: 'Patient', id: 'p1', managingOrganization: { reference: '#org1' } },
      [
        'reference "#org1" at Patient.managingOrganization.reference (input.ndjson:7) names no contained resource (the resource contains none) [ref-1]',
      ],
      'R7',
    );
  });

  it('dom-2, dom-4, dom-5 refuse nested contained, a versioned meta and security labels in a contained resource', () => {
    refuses(
      {
        ...patient,
        contained: [
          {
            resourceType: 'Organization',
            id: 'org1',
            meta: { versionId: '2', security: [{ code: 'R' }] },
            contained: [{ resourceType: 'Organization', id: 'o2' }],
          },
        ],
      },
      [
        'a contained resource cannot contain resources at Patient.contained[0].contained (input.ndjson:7) [dom-2]',
        'a contained resource cannot have meta.versionId or meta.lastUpdated at Patient.contained[0].meta (input.ndjson:7) [dom-4]',
        'a contained resource cannot have security labels at Patient.contained[0].meta.security (input.ndjson:7) [dom-5]',
      ],
    );
  });

  it('resolves #id within each Bundle entry resource, not the Bundle', () => {
    const bundle = (reference: string): Record<string, unknown> => ({
      resourceType: 'Bundle',
      id: 'b1',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:0b7c2a5e-7c4f-4d3e-9f7a-1c2b3d4e5f60',
          resource: { ...patient, managingOrganization: { reference } },
        },
      ],
    });
    accepts(bundle('#org1'));
    const result = run(bundle('#nope'));
    assert.equal(result.kind, 'rejected');
    assert.equal(result.issues[0]?.path, 'Bundle.entry[0].resource.managingOrganization.reference');
  });
});

describe('invariants', () => {
  it('ext-1: an extension has a value or nested extensions, not both, not neither; _valueX counts as a value', () => {
    const url = 'http://example.org/ext';
    refuses(
      observation({ extension: [{ url, valueString: 'a', extension: [{ url: 'b', valueString: 'c' }] }] }),
      [
        'an extension has both a value[x] and nested extensions at Observation.extension[0] (input.ndjson:7) [ext-1]',
      ],
    );
    refuses(observation({ extension: [{ url, id: 'e' }] }), [
      'an extension has neither a value[x] nor nested extensions at Observation.extension[0] (input.ndjson:7) [ext-1]',
    ]);
    accepts(
      observation({ extension: [{ url, _valueString: { extension: [{ url: 'x', valueCode: 'nl' }] } }] }),
    );
  });

  it('per-1: Period.start after end is refused only when both have the same precision', () => {
    refuses(
      observation({ effectivePeriod: { start: '2020-02-02T10:00:00Z', end: '2020-02-02T09:00:00Z' } }),
      [
        'start 2020-02-02T10:00:00Z is after end 2020-02-02T09:00:00Z at Observation.effectivePeriod (input.ndjson:7) [per-1]',
      ],
    );
    refuses(observation({ effectivePeriod: { start: '2021-01', end: '2020-12' } }), [
      'start 2021-01 is after end 2020-12 at Observation.effectivePeriod (input.ndjson:7) [per-1]',
    ]);
    accepts(
      observation({ effectivePeriod: { start: '2020-02-02T10:00:00+02:00', end: '2020-02-02T09:00:00Z' } }),
    );
    accepts(observation({ effectivePeriod: { start: '2020-02-02', end: '2020-02-02T06:00:00Z' } }));
  });

  it('obs-6 and obs-7', () => {
    const absent = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }],
    };
    refuses(observation({ valueString: 'x', dataAbsentReason: absent }), [
      'dataAbsentReason is given with valueString at Observation (input.ndjson:7) [obs-6]',
    ]);
    refuses(
      observation({
        valueString: 'x',
        component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, valueString: 'y' }],
      }),
      [
        "a component has the Observation's own code, so valueString must not be present at Observation.component[0].code (input.ndjson:7) [obs-7]",
      ],
    );
    accepts(observation({ dataAbsentReason: absent }));
  });

  it('ras-2 and que-12', () => {
    refuses(
      {
        resourceType: 'RiskAssessment',
        id: 'r',
        status: 'final',
        subject: { reference: 'Patient/p' },
        prediction: [{ probabilityDecimal: 150 }],
      },
      [
        'probabilityDecimal 150 is over 100 at RiskAssessment.prediction[0].probabilityDecimal (input.ndjson:7) [ras-2]',
      ],
    );
    const when = { question: 'q1', operator: 'exists', answerBoolean: true };
    const questionnaire = (item: Record<string, unknown>): Record<string, unknown> => ({
      resourceType: 'Questionnaire',
      id: 'q',
      status: 'active',
      item: [
        { linkId: 'q1', type: 'boolean' },
        { linkId: 'q2', type: 'string', ...item },
      ],
    });
    refuses(questionnaire({ enableWhen: [when, when] }), [
      '2 enableWhen conditions but no enableBehavior at Questionnaire.item[1] (input.ndjson:7) [que-12]',
    ]);
    accepts(questionnaire({ enableWhen: [when, when], enableBehavior: 'any' }));
    accepts(questionnaire({ enableWhen: [when] }));
  });
});

describe('primitive formats the schema leaves open', () => {
  it('integers: whole, within 32 bits, positiveInt ≥ 1', () => {
    refuses(observation({ valueInteger: 1.5 }), [
      'valueInteger 1.5 at Observation.valueInteger (input.ndjson:7) is not a FHIR integer (not a whole number)',
    ]);
    refuses(observation({ valueInteger: 2147483648 }), [
      'valueInteger 2147483648 at Observation.valueInteger (input.ndjson:7) is not a FHIR integer (outside -2147483648..2147483647)',
    ]);
    refuses({ resourceType: 'Patient', id: 'p', multipleBirthInteger: 1, photo: [{ size: -1 }] }, [
      'size -1 at Patient.photo[0].size (input.ndjson:7) is not a FHIR unsignedInt (outside 0..2147483647)',
    ]);
    accepts(observation({ valueInteger: -2147483648 }));
  });

  it('base64Binary', () => {
    refuses({ resourceType: 'Patient', id: 'p', photo: [{ data: '%%%2@()()' }] }, [
      'data at Patient.photo[0].data (input.ndjson:7) is not base64 (A-Z, a-z, 0-9, + and / or - and _, = padding)',
    ]);
    accepts({ resourceType: 'Patient', id: 'p', photo: [{ data: 'aGVsbG8g\nd29ybGQ=' }] });
  });

  it('Attachment.size must be the size of its data', () => {
    refuses({ resourceType: 'Patient', id: 'p', photo: [{ data: 'aGVsbG8gd29ybGQ=', size: 100 }] }, [
      'size 100 is not the 11 bytes that data holds at Patient.photo[0].size (input.ndjson:7) [att-size]',
    ]);
    accepts({ resourceType: 'Patient', id: 'p', photo: [{ data: 'aGVsbG8gd29ybGQ=', size: 11 }] });
  });

  it('reads the spec regexes as Java does: a no-break space is content, not whitespace, and is kept', () => {
    const result = run({
      resourceType: 'CodeSystem',
      id: 'cs',
      status: 'active',
      content: 'complete',
      concept: [{ code: '\u00a0', display: 'External\u00a0Jugular' }],
    });
    assert.equal(result.kind, 'accepted');
    assert.deepEqual((result.resource.concept as unknown[])[0], {
      code: '\u00a0',
      display: 'External\u00a0Jugular',
    });
  });

  it('accepts FHIR version 4.0.1 and extensions on canonical elements', () => {
    accepts({
      resourceType: 'StructureDefinition',
      id: 'sd',
      url: 'http://example.org/sd',
      name: 'X',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      fhirVersion: '4.0.1',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      _baseDefinition: { extension: [{ url: 'http://example.org/e', valueString: 'x' }] },
      derivation: 'constraint',
    });
  });
});
