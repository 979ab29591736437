import assert from 'node:assert/strict';
import { deidentify, pseudonymFor } from './deidentify.js';

describe('deidentify', () => {
  it('removes direct identifiers from a Patient and keeps coarse, useful facts', () => {
    const out = deidentify({
      resourceType: 'Patient',
      id: 'p1',
      meta: { versionId: '3', source: 'hospital-a', lastUpdated: '2026-01-01T00:00:00Z' },
      text: { status: 'generated', div: '<div>Jane Doe</div>' },
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Smith' },
      ],
      identifier: [{ value: 'MRN-1' }],
      name: [{ family: 'Doe', given: ['Jane'] }],
      telecom: [{ system: 'phone', value: '555' }],
      photo: [{ url: 'http://x/p.png' }],
      contact: [{ name: { family: 'Doe' } }],
      address: [
        {
          line: ['1 Main St'],
          text: '1 Main St, Springfield',
          city: 'Springfield',
          postalCode: '62701',
          state: 'IL',
          country: 'US',
        },
      ],
      birthDate: '1980-08-14',
      deceasedDateTime: '2020-02-03T10:00:00Z',
      gender: 'female',
      generalPractitioner: [{ reference: 'Practitioner/dr1', display: 'Dr. Who' }],
      link: [{ other: { reference: 'Patient/p0' }, type: 'seealso' }],
    });
    assert.deepEqual(out, {
      resourceType: 'Patient',
      id: pseudonymFor('Patient', 'p1'),
      meta: { versionId: '3' },
      address: [{ state: 'IL', country: 'US' }],
      birthDate: '1980',
      deceasedDateTime: '2020',
      gender: 'female',
      generalPractitioner: [{ reference: `Practitioner/${pseudonymFor('Practitioner', 'dr1')}` }],
      link: [{ other: { reference: `Patient/${pseudonymFor('Patient', 'p0')}` }, type: 'seealso' }],
    });
  });

  it('pseudonymises references in every form and de-identifies contained resources', () => {
    const out = deidentify({
      resourceType: 'Observation',
      id: 'o1',
      subject: {
        reference: 'https://fhir.example.org/Patient/p1/_history/2',
        display: 'Jane Doe',
        identifier: { value: 'MRN-1' },
      },
      performer: [{ reference: '#pr' }, { reference: 'urn:uuid:1234' }],
      contained: [{ resourceType: 'Practitioner', id: 'pr', name: [{ family: 'Who' }] }],
      note: [{ text: 'Jane says hi' }],
      code: { coding: [{ code: '8867-4', display: 'Heart rate' }], text: 'HR' },
    });
    assert.deepEqual(out.subject, { reference: `Patient/${pseudonymFor('Patient', 'p1')}` });
    assert.deepEqual(out.performer, [{ reference: '#pr' }, {}]);
    assert.deepEqual(out.contained, [
      { resourceType: 'Practitioner', id: pseudonymFor('Practitioner', 'pr') },
    ]);
    assert.equal(out.note, undefined);
    assert.deepEqual(out.code, { coding: [{ code: '8867-4', display: 'Heart rate' }], text: 'HR' });
  });

  it('gives a stable 64-hex pseudonym (a valid FHIR id) that differs by type', () => {
    assert.match(pseudonymFor('Patient', 'p1'), /^[0-9a-f]{64}$/);
    assert.equal(pseudonymFor('Patient', 'p1'), pseudonymFor('Patient', 'p1'));
    assert.notEqual(pseudonymFor('Patient', 'p1'), pseudonymFor('Observation', 'p1'));
  });
});
