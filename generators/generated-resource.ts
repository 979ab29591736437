import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Procedure,
} from 'fhir/r4.js';

/** Every resource type the generator writes, in the order their NDJSON files are listed in the manifest. */
export const GENERATED_TYPES = [
  'Organization',
  'Practitioner',
  'Patient',
  'Encounter',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'Observation',
  'DiagnosticReport',
  'Immunization',
  'Procedure',
] as const;

export type GeneratedResource =
  | Organization
  | Practitioner
  | Patient
  | Encounter
  | AllergyIntolerance
  | Condition
  | MedicationRequest
  | Observation
  | DiagnosticReport
  | Immunization
  | Procedure;

export type GeneratedType = GeneratedResource['resourceType'];
