/**
 * The codes a record is found by in ResearchQuery: every `coding[].code` of the resource's main code element.
 * Which element that is depends on the type (Observation.code, Immunization.vaccineCode, …); unknown types use
 * `code` if present.
 */
import { isPlainObject, type FhirResource } from '../common/fhir-resource.js';
import { isIndexableAttribute } from './keys.js';

const CODE_ELEMENTS = ['code', 'vaccineCode', 'medicationCodeableConcept'] as const;

/** Distinct, sorted (so index writes are in a stable order), and safe to use as a composite-key attribute. */
export function clinicalCodesOf(resource: FhirResource): string[] {
  const codes = new Set<string>();
  for (const element of CODE_ELEMENTS) {
    const concept = resource[element];
    if (!isPlainObject(concept) || !Array.isArray(concept.coding)) continue;
    for (const coding of concept.coding) {
      if (isPlainObject(coding) && typeof coding.code === 'string' && isIndexableAttribute(coding.code)) {
        codes.add(coding.code);
      }
    }
  }
  return [...codes].sort();
}
