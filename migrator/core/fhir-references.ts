/** The forms a FHIR R4 `Reference.reference` may take (R4 §2.3.0): anything else is a malformed reference (R7). */
import { FHIR_ID_PATTERN } from '../../common/fhir-resource.js';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE_URL =
  /^https?:\/\/[^\s/]+\/\S*[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const URN_OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;

export const EXPECTED_REFERENCE = 'Type/id, an absolute URL, #contained-id, urn:uuid: or urn:oid:';

export function isWellFormedReference(reference: string, isResourceType: (name: string) => boolean): boolean {
  if (reference.startsWith('#')) return FHIR_ID_PATTERN.test(reference.slice(1));
  if (reference.startsWith('urn:')) return URN_UUID.test(reference) || URN_OID.test(reference);
  if (reference.startsWith('http://') || reference.startsWith('https://'))
    return ABSOLUTE_URL.test(reference);
  const relative = RELATIVE.exec(reference);
  return relative !== null && isResourceType(relative[1] ?? '');
}
