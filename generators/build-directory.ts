/** The shared directory every patient points into: Organizations (care providers) and their Practitioners. */
import type { Address, Organization, Practitioner } from 'fhir/r4.js';
import { CodeSystem } from './codes/coding.js';
import { organizationId, practitionerId } from './ids.js';
import type { Rng } from './rng.js';

export const PRACTITIONERS_PER_ORGANIZATION = 10;
const PATIENTS_PER_ORGANIZATION = 1000;

/** How many Organizations a population of `patients` gets; Practitioners are PRACTITIONERS_PER_ORGANIZATION each. */
export function organizationCount(patients: number): number {
  return Math.max(1, Math.ceil(patients / PATIENTS_PER_ORGANIZATION));
}

export function usAddress(rng: Rng, use: Address['use']): Address {
  const f = rng.faker;
  return {
    use,
    line: [f.location.streetAddress()],
    city: f.location.city(),
    state: f.location.state({ abbreviated: true }),
    postalCode: f.location.zipCode('#####'),
    country: 'US',
  };
}

const ORGANIZATION_SUFFIXES = [
  'Medical Center',
  'Community Hospital',
  'Family Clinic',
  'Health Partners',
  'Primary Care',
];

export function buildOrganization(rng: Rng, seed: number, index: number): Organization {
  const f = rng.faker;
  return {
    resourceType: 'Organization',
    id: organizationId(seed, index),
    identifier: [
      { system: 'https://fhirledger.example/organization', value: `ORG-${String(index).padStart(6, '0')}` },
    ],
    active: true,
    type: [
      { coding: [{ system: CodeSystem.ORGANIZATION_TYPE, code: 'prov', display: 'Healthcare Provider' }] },
    ],
    name: `${f.location.city()} ${rng.pick(ORGANIZATION_SUFFIXES)}`,
    telecom: [{ system: 'phone', value: f.phone.number({ style: 'national' }), use: 'work' }],
    address: [usAddress(rng, 'work')],
  };
}

export function buildPractitioner(rng: Rng, seed: number, index: number): Practitioner {
  const sex = rng.chance(0.5) ? 'female' : 'male';
  const f = rng.faker;
  const given = f.person.firstName(sex);
  const family = f.person.lastName();
  return {
    resourceType: 'Practitioner',
    id: practitionerId(seed, index),
    identifier: [{ system: CodeSystem.NPI, value: String(1_000_000_000 + rng.int(0, 899_999_999)) }],
    active: true,
    name: [{ use: 'official', family, given: [given], prefix: ['Dr.'] }],
    telecom: [
      {
        system: 'email',
        value: `${given}.${family}@example.org`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
        use: 'work',
      },
    ],
    gender: sex,
  };
}
