/**
 * The world-state key layout. Records use a plain `resourceType/id` string key — readable in peer logs, the same
 * string as a FHIR relative reference, and a per-type range scan is the key range [`Type/`, `Type0`) because '0'
 * is the character after '/'. Secondary indexes are Fabric composite keys (they live in the \x00 namespace, so they
 * never collide with record keys) whose value is the record key they point to.
 */
import type { EhrStub } from './context.js';

/** Patient compartment: `patient~type~id` → record key; lists a patient's records without a scan. */
export const PATIENT_INDEX = 'patient~type~id';
/** Research index: `type~code~id` → record key; one entry per distinct code of a record. */
export const CODE_INDEX = 'type~code~id';

export function recordStateKey(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

/** Start and end (exclusive) of the range holding every record of one resource type. */
export function typeRange(resourceType: string): { startKey: string; endKey: string; prefix: string } {
  return { startKey: `${resourceType}/`, endKey: `${resourceType}0`, prefix: `${resourceType}/` };
}

export function patientIndexKey(stub: EhrStub, patientId: string, resourceType: string, id: string): string {
  return stub.createCompositeKey(PATIENT_INDEX, [patientId, resourceType, id]);
}

export function codeIndexKey(stub: EhrStub, resourceType: string, code: string, id: string): string {
  return stub.createCompositeKey(CODE_INDEX, [resourceType, code, id]);
}

/**
 * A composite-key attribute must be a non-empty string without U+0000 (the separator) and, to keep range ends
 * meaningful, without U+10FFFF. Codes that break this are simply not indexed.
 */
export function isIndexableAttribute(value: string): boolean {
  return value.length > 0 && !value.includes('\u0000') && !value.includes('\u{10ffff}');
}
