import assert from 'node:assert/strict';
import { checkReference } from './fhir-references.js';

const known = new Set(['Patient', 'Practitioner', 'Organization', 'Observation']);
const isResourceType = (name: string): boolean => known.has(name);

describe('checkReference: every R4 reference form is accepted as written', () => {
  const cases: [string, string][] = [
    ['Patient/123', 'relative'],
    ['Patient/a.b-C', 'relative'],
    ['Observation/o1/_history/3', 'relative'],
    ['Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999999', 'conditional'],
    ['Organization?identifier=https://github.com/synthetichealth/synthea|7c2a', 'conditional'],
    ['http://example.org/fhir/Patient/123', 'absolute'],
    ['https://example.org/fhir/Patient/123/_history/1', 'absolute'],
    ['http://www.BenefitsInc.com/fhir/oralhealthclaim/15476332402', 'absolute'],
    ['urn:uuid:0b7c2a5e-7c4f-4d3e-9f7a-1c2b3d4e5f60', 'urn'],
    ['urn:uuid:0B7C2A5E-7C4F-4D3E-9F7A-1C2B3D4E5F60', 'urn'],
    ['urn:oid:1.2.840.113619.6.197', 'urn'],
    ['urn:ietf:rfc:3986', 'urn'],
    ['#org1', 'contained'],
    ['#', 'container'],
  ];
  for (const [reference, form] of cases) {
    it(`${reference} → ${form}`, () => {
      assert.deepEqual(checkReference(reference, isResourceType), { ok: true, form });
    });
  }
});

describe('checkReference: a malformed reference is refused with the reason', () => {
  const cases: [string, string][] = [
    ['', 'it is empty'],
    ['not a ref', 'it contains whitespace'],
    ['Patient/12 3', 'it contains whitespace'],
    ['Patient/', 'id "" is not a FHIR id'],
    ['Patient/bad_id', 'id "bad_id" is not a FHIR id'],
    [`Patient/${'x'.repeat(65)}`, `id "${'x'.repeat(65)}" is not a FHIR id`],
    ['Patient/1/_history/', 'version "" is not a FHIR id'],
    ['Organisation/o1', '"Organisation" is not an R4 resource type'],
    ['patient/1', '"patient" is not an R4 resource type'],
    ['Organisation?name=x', '"Organisation" before ? is not an R4 resource type'],
    ['123', 'a relative reference is Type/id or Type/id/_history/version'],
    ['Patient/1/2', 'a relative reference is Type/id or Type/id/_history/version'],
    ['#bad_id', '"bad_id" after # is not a FHIR id'],
    ['http:/Patient/1', 'the http: URL has no host'],
    ['urn:uuid', 'a urn: reference is urn:namespace:name (urn:uuid:…, urn:oid:…)'],
  ];
  for (const [reference, why] of cases) {
    it(JSON.stringify(reference), () => {
      assert.deepEqual(checkReference(reference, isResourceType), { ok: false, why });
    });
  }
});
