/**
 * Small seeded builders for load tests and benchmarks that need one realistic payload at a time, without a whole
 * population: `buildPatient(seed)`, `buildObservation(seed, patientId)`, `buildPatientRecords(seed)`.
 * The same seed gives the same resource.
 */
import type { Observation, Patient } from 'fhir/r4.js';
import { VITAL_SIGNS } from './codes/loinc.js';
import { buildObservation as buildObservationResource } from './build-clinical.js';
import { drawPatient } from './build-patient.js';
import { DEFAULT_REFERENCE_DATE, MS_PER_DAY, MS_PER_MINUTE } from './fhir-time.js';
import type { GeneratedResource } from './generated-resource.js';
import { organizationId, patientId, practitionerId } from './ids.js';
import { generatePatientRecords } from './patient-timeline.js';
import { Rng, SeedDomain } from './rng.js';

const REFERENCE_MS = Date.parse(DEFAULT_REFERENCE_DATE);
const shared = new Rng();

/** A Patient with id `s<seed>-p0`, referencing Organization `s<seed>-org0` and Practitioner `s<seed>-pr0`. */
export function buildPatient(seed: number): Patient {
  shared.reseed(seed, SeedDomain.BUILDER, 0);
  return drawPatient(shared, {
    id: patientId(seed, 0),
    organizationId: organizationId(seed, 0),
    practitionerId: practitionerId(seed, 0),
    referenceMs: REFERENCE_MS,
  }).resource;
}

const QUICK_VITALS = [
  VITAL_SIGNS.heartRate,
  VITAL_SIGNS.respiratoryRate,
  VITAL_SIGNS.oxygenSaturation,
] as const;

/** A vital-sign Observation for `subjectPatientId` (heart rate, respiratory rate or SpO2), id `s<seed>-obs`. */
export function buildObservation(
  seed: number,
  subjectPatientId: string,
  encounterId = `${subjectPatientId}-enc1`,
): Observation {
  shared.reseed(seed, SeedDomain.BUILDER, 1);
  const vital = shared.pick(QUICK_VITALS);
  const value =
    vital === VITAL_SIGNS.oxygenSaturation
      ? shared.int(94, 100)
      : vital === VITAL_SIGNS.heartRate
        ? shared.int(58, 100)
        : shared.int(12, 20);
  const startMs = REFERENCE_MS - shared.int(1, 3650) * MS_PER_DAY + shared.int(96, 204) * 5 * MS_PER_MINUTE;
  const ctx = {
    patientId: subjectPatientId,
    encounterId,
    practitionerId: '',
    organizationId: '',
    startMs,
    endMs: startMs,
  };
  return buildObservationResource(
    `s${seed}-obs`,
    ctx,
    'vital-signs',
    { code: vital, value, unit: vital.unit },
    startMs,
  );
}

/** One whole patient record (Patient first) as in a population of one, e.g. for a bundle payload. */
export function buildPatientRecords(seed: number): GeneratedResource[] {
  return generatePatientRecords(new Rng(), { seed, patients: 1, referenceMs: REFERENCE_MS }, 0);
}
