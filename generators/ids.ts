/**
 * Ids are built from the seed and the record's position, so they are FHIR ids ([A-Za-z0-9-.]{1,64}), unique across a
 * population by construction (no random collisions) and different between seeds (two populations can share a ledger).
 */
export const ChildTag = {
  Encounter: 'enc',
  Observation: 'obs',
  Condition: 'con',
  MedicationRequest: 'med',
  AllergyIntolerance: 'alg',
  Immunization: 'imm',
  Procedure: 'prc',
  DiagnosticReport: 'rep',
} as const;
export type ChildType = keyof typeof ChildTag;

export function organizationId(seed: number, index: number): string {
  return `s${seed}-org${index}`;
}

export function practitionerId(seed: number, index: number): string {
  return `s${seed}-pr${index}`;
}

export function patientId(seed: number, index: number): string {
  return `s${seed}-p${index}`;
}

export function childId(patient: string, type: ChildType, ordinal: number): string {
  return `${patient}-${ChildTag[type]}${ordinal}`;
}
