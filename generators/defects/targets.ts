/**
 * Where each defect class may land, per resource type. Kept as data so the README table and the injector agree, and
 * so every target is an element the clean generator always writes.
 */
import type { GeneratedType } from '../generated-resource.js';
import type { ElementPath } from './paths.js';

type Targets = Partial<Record<GeneratedType, readonly ElementPath[]>>;

/** Free-text `string` elements (never ids, codes or references). */
export const TEXT_TARGETS: Targets = {
  Organization: [['name']],
  Practitioner: [
    ['name', 0, 'family'],
    ['name', 0, 'given', 0],
  ],
  Patient: [
    ['name', 0, 'family'],
    ['name', 0, 'given', 0],
    ['address', 0, 'city'],
  ],
  Encounter: [['type', 0, 'text']],
  AllergyIntolerance: [['code', 'text']],
  Condition: [['code', 'text']],
  MedicationRequest: [
    ['medicationCodeableConcept', 'text'],
    ['dosageInstruction', 0, 'text'],
  ],
  Observation: [['code', 'text']],
  DiagnosticReport: [['code', 'text']],
  Immunization: [['vaccineCode', 'text']],
  Procedure: [['code', 'text']],
};

/** Human names, where locale-specific letters (é, ü, ñ) occur and can be written decomposed (NFD). */
export const NAME_TARGETS: Targets = {
  Practitioner: [
    ['name', 0, 'family'],
    ['name', 0, 'given', 0],
  ],
  Patient: [
    ['name', 0, 'family'],
    ['name', 0, 'given', 0],
    ['name', 0, 'given', 1],
  ],
};

/** `code` elements with a required binding (the value sets are in the README). */
export const CODE_TARGETS: Targets = {
  Practitioner: [['gender']],
  Patient: [['gender']],
  Encounter: [['status']],
  AllergyIntolerance: [['type']],
  MedicationRequest: [['status'], ['intent']],
  Observation: [['status']],
  DiagnosticReport: [['status']],
  Immunization: [['status']],
  Procedure: [['status']],
};

/** `date` elements, and `dateTime` elements the generator writes at day precision (YYYY-MM-DD). */
export const DATE_ONLY_TARGETS: Targets = {
  Patient: [['birthDate']],
  Condition: [['onsetDateTime']],
  Immunization: [['occurrenceDateTime']],
};

/** `dateTime` elements written with a time (YYYY-MM-DDThh:mm:ssZ). */
export const DATE_TIME_TARGETS: Targets = {
  Encounter: [
    ['period', 'start'],
    ['period', 'end'],
  ],
  AllergyIntolerance: [['recordedDate']],
  Condition: [['recordedDate']],
  MedicationRequest: [['authoredOn']],
  Observation: [['effectiveDateTime']],
  DiagnosticReport: [['effectiveDateTime']],
  Procedure: [
    ['performedPeriod', 'start'],
    ['performedPeriod', 'end'],
  ],
};

/** boolean, integer and decimal elements. */
export const PRIMITIVE_TARGETS: Targets = {
  Organization: [['active']],
  Practitioner: [['active']],
  Patient: [['active']],
  MedicationRequest: [
    ['dosageInstruction', 0, 'sequence'],
    ['dosageInstruction', 0, 'doseAndRate', 0, 'doseQuantity', 'value'],
  ],
  Observation: [
    ['valueQuantity', 'value'],
    ['component', 0, 'valueQuantity', 'value'],
    ['component', 1, 'valueQuantity', 'value'],
  ],
  Immunization: [['primarySource']],
};

/** Reference.reference strings. */
export const REFERENCE_TARGETS: Targets = {
  Patient: [
    ['managingOrganization', 'reference'],
    ['generalPractitioner', 0, 'reference'],
  ],
  Encounter: [
    ['subject', 'reference'],
    ['serviceProvider', 'reference'],
  ],
  AllergyIntolerance: [['patient', 'reference']],
  Condition: [
    ['subject', 'reference'],
    ['encounter', 'reference'],
  ],
  MedicationRequest: [
    ['subject', 'reference'],
    ['reasonReference', 0, 'reference'],
  ],
  Observation: [
    ['subject', 'reference'],
    ['encounter', 'reference'],
  ],
  DiagnosticReport: [
    ['subject', 'reference'],
    ['result', 0, 'reference'],
  ],
  Immunization: [['patient', 'reference']],
  Procedure: [['subject', 'reference']],
};

/**
 * Arrays replaced by a bare string for the "wrong structure" schema defect. Always arrays: the R4 JSON schema types
 * arrays (`"type": "array"`) but not complex datatypes, so an object replaced by a string would still validate.
 */
export const STRUCTURE_TARGETS: Targets = {
  Organization: [['address']],
  Practitioner: [['name']],
  Patient: [['name']],
  Encounter: [['type']],
  AllergyIntolerance: [['category']],
  Condition: [['category']],
  MedicationRequest: [['dosageInstruction']],
  Observation: [['category']],
  DiagnosticReport: [['category']],
  Immunization: [['performer']],
  Procedure: [['performer']],
};
