/**
 * The records the auth cases attack, and the PHI strings that must never reach the attacker or a log. Pure: one
 * random tag per run makes every name, date and identifier unique, so a leak count of 0 means what it says (no
 * common word can match by chance) and a previous run's data can never be mistaken for this one's.
 */
import type { FhirResource } from '../../common/fhir-resource.js';

/** The seeded users `fhirledger up` enrols whose roles the cases use (gateway/seed-plan.ts names them). */
export const AUTH_USERS = {
  provider: 'provider1',
  /** Owner of the attacked records: patientId `patient-1` in its certificate. */
  victim: 'patient1',
  /** The attacking patient: patientId `patient-2`. */
  attacker: 'patient2',
  /** A patient whose credential the token case revokes. */
  revoked: 'patient3',
  regulator: 'regulator1',
} as const;

export const VICTIM_PATIENT_ID = 'patient-1';
export const ATTACKER_PATIENT_ID = 'patient-2';
export const REVOKED_PATIENT_ID = 'patient-3';

export interface AuthFixtures {
  readonly tag: string;
  /** What a provider writes before the attacks, in order (PUT at these ids). */
  readonly records: readonly FhirResource[];
  /** A record filed under the victim, then moved by a provider to the attacker (its second version). */
  readonly moved: { readonly first: FhirResource; readonly second: FhirResource };
  readonly victimObservationId: string;
  /** The victim's PHI: names, birth date, identifiers, phone, address, free text. Must never be seen by others. */
  readonly phi: readonly string[];
  /** Also banned from logs (logs carry route templates, never ids): the victim's record ids. */
  readonly logOnly: readonly string[];
}

/** `tag`: 8+ lowercase hex characters, e.g. randomBytes(4).toString('hex'). */
export function authFixtures(tag: string): AuthFixtures {
  if (!/^[0-9a-f]{8,}$/.test(tag)) throw new Error(`fixture tag "${tag}" is not 8+ lowercase hex characters`);
  const number = (from: number, span: number, at: number): number =>
    from + (parseInt(tag.slice(at, at + 2), 16) % span);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const family = `Vexhollow${tag}`;
  const given = `Ismeralda${tag}`;
  const birthDate = `${number(1931, 70, 0)}-${pad(number(1, 12, 2))}-${pad(number(1, 28, 4))}`;
  const mrn = `MRN-${tag}-V`;
  const ssn = `999-${tag.slice(0, 2)}-${tag.slice(2, 6)}`.replace(/[a-f]/g, '7');
  const phone = `+1-555-${String(parseInt(tag.slice(0, 6), 16) % 10_000_000).padStart(7, '0')}`;
  const street = `${tag} Quillback Lane`;
  const city = `Marrowtown${tag}`;
  const victimNote = `victim-note-${tag}: anxious about results`;
  const movedNote = `misfiled-note-${tag}: belongs to Ismeralda`;
  const victimObservationId = `obs-victim-${tag}`;
  const movedId = `obs-moved-${tag}`;
  const victimName = `${given} ${family}`;
  const bloodPressure = (id: string, patientId: string, extra: Record<string, unknown>): FhirResource => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
    valueQuantity: { value: 131, unit: 'mm[Hg]' },
    subject: { reference: `Patient/${patientId}` },
    ...extra,
  });
  const victim: FhirResource = {
    resourceType: 'Patient',
    id: VICTIM_PATIENT_ID,
    name: [{ family, given: [given] }],
    birthDate,
    identifier: [
      { system: 'urn:fhirledger:mrn', value: mrn },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn },
    ],
    telecom: [{ system: 'phone', value: phone }],
    address: [{ line: [street], city, postalCode: '99501' }],
  };
  const attacker: FhirResource = {
    resourceType: 'Patient',
    id: ATTACKER_PATIENT_ID,
    name: [{ family: `Attacker${tag}`, given: ['Mallory'] }],
    birthDate: '1990-01-01',
  };
  return {
    tag,
    records: [
      victim,
      attacker,
      bloodPressure(victimObservationId, VICTIM_PATIENT_ID, {
        subject: { reference: `Patient/${VICTIM_PATIENT_ID}`, display: victimName },
        note: [{ text: victimNote }],
      }),
      bloodPressure(`obs-attacker-${tag}`, ATTACKER_PATIENT_ID, {}),
    ],
    moved: {
      first: bloodPressure(movedId, VICTIM_PATIENT_ID, {
        subject: { reference: `Patient/${VICTIM_PATIENT_ID}`, display: victimName },
        note: [{ text: movedNote }],
      }),
      second: bloodPressure(movedId, ATTACKER_PATIENT_ID, {}),
    },
    victimObservationId,
    phi: [family, given, birthDate, mrn, ssn, phone, street, city, victimNote, movedNote],
    logOnly: [victimObservationId, movedId],
  };
}

/** Occurrences of any of `needles` in `text` (each occurrence counts: a leak repeated is several leaks). */
export function countOccurrences(text: string, needles: readonly string[]): number {
  let count = 0;
  for (const needle of needles) {
    if (needle === '') continue;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count += 1;
  }
  return count;
}
