/** A Patient with demographics drawn from faker; name locale varies so some names carry accents (é, ü, ñ). */
import type { Patient } from 'fhir/r4.js';
import type { Sex } from './codes/loinc.js';
import { CodeSystem } from './codes/coding.js';
import { usAddress } from './build-directory.js';
import { fhirDate, MS_PER_DAY, MS_PER_YEAR } from './fhir-time.js';
import type { NameLocale, Rng } from './rng.js';

export interface PatientLinks {
  id: string;
  organizationId: string;
  practitionerId: string;
  referenceMs: number;
}

export interface DrawnPatient {
  resource: Patient;
  sex: Sex;
  birthMs: number;
}

const NAME_LOCALES: readonly NameLocale[] = [
  'en_US',
  'en_US',
  'en_US',
  'en_US',
  'en_US',
  'en_US',
  'de',
  'fr',
  'es',
];

/** Ages skew adult, with children and the very old present (0–100 years). */
function drawAgeYears(rng: Rng): number {
  const bucket = rng.next();
  if (bucket < 0.2) return rng.next() * 18;
  if (bucket < 0.85) return 18 + rng.next() * 47;
  return 65 + rng.next() * 35;
}

export function drawPatient(rng: Rng, links: PatientLinks): DrawnPatient {
  const sex: Sex = rng.chance(0.5) ? 'female' : 'male';
  const birthMs = Math.floor((links.referenceMs - drawAgeYears(rng) * MS_PER_YEAR) / MS_PER_DAY) * MS_PER_DAY;
  const names = rng.fakerFor(rng.pick(NAME_LOCALES));
  const given = [names.person.firstName(sex)];
  if (rng.chance(0.4)) given.push(names.person.firstName(sex));
  const f = rng.faker;
  const resource: Patient = {
    resourceType: 'Patient',
    id: links.id,
    identifier: [
      {
        use: 'usual',
        type: {
          coding: [{ system: CodeSystem.IDENTIFIER_TYPE, code: 'MR', display: 'Medical record number' }],
        },
        system: 'https://fhirledger.example/mrn',
        value: `MRN-${f.string.numeric(8)}`,
      },
    ],
    active: true,
    name: [{ use: 'official', family: names.person.lastName(), given }],
    telecom: [{ system: 'phone', value: f.phone.number({ style: 'national' }), use: 'home' }],
    gender: sex,
    birthDate: fhirDate(birthMs),
    address: [usAddress(rng, 'home')],
    generalPractitioner: [{ reference: `Practitioner/${links.practitionerId}` }],
    managingOrganization: { reference: `Organization/${links.organizationId}` },
  };
  return { resource, sex, birthMs };
}
