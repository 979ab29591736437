/**
 * The minimal shape every FHIR R4 resource shares. Folders that need the full R4 types import them from
 * `fhir/r4` (@types/fhir 0.0.x); this narrow type is what crosses folder boundaries.
 */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: FhirMeta;
  [element: string]: unknown;
}

export interface FhirMeta {
  versionId?: string;
  lastUpdated?: string;
  [element: string]: unknown;
}

/** `resourceType/id`, the ledger key of a record and the form of a FHIR relative reference. */
export function recordKey(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

/** FHIR id syntax: 1–64 of [A-Za-z0-9-.] (R4 §2.24.0.1). */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && FHIR_ID_PATTERN.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
