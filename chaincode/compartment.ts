/**
 * Which patient a record belongs to (its Patient compartment, simplified): a Patient is its own; any other record
 * belongs to the patient named by its `subject` or `patient` reference (`Patient/x`, optionally absolute or with
 * `/_history/n`). Records without such a reference belong to no patient and are visible to providers only.
 */
import { isFhirId, isPlainObject, type FhirResource } from '../common/fhir-resource.js';

const PATIENT_REFERENCE = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function patientIdOf(resource: FhirResource): string | undefined {
  if (resource.resourceType === 'Patient') return isFhirId(resource.id) ? resource.id : undefined;
  return patientIdFromReference(resource.subject) ?? patientIdFromReference(resource.patient);
}

export function patientIdFromReference(element: unknown): string | undefined {
  if (!isPlainObject(element) || typeof element.reference !== 'string') return undefined;
  const match = PATIENT_REFERENCE.exec(element.reference);
  return match?.[1];
}
