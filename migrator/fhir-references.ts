/**
 * The forms a FHIR R4 `Reference.reference` may take (R4 §2.3.0 "Resource References", §3.1.0.4 conditional
 * references in transactions), and why a value is none of them (R7). Everything R4 allows is accepted as written:
 *
 * - relative `Type/id` and `Type/id/_history/version` (a known R4 resource type, an id of the FHIR id syntax);
 * - conditional `Type?search` (Synthea's `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999…`);
 * - an absolute URI, RESTful (`http://server/fhir/Patient/1`) or not (`http://payer.example/claims/123`);
 * - `urn:uuid:` and `urn:oid:` (Bundle-internal), and other `urn:` names;
 * - `#id` (a contained resource; that it exists is checked apart, see ref-1 in fhir-invariants.ts) and `#` alone
 *   (a contained resource pointing at its container).
 *
 * A logical reference (identifier only) or a display-only one has no `reference`, so nothing here applies to it.
 */
import { FHIR_ID_PATTERN } from '../common/fhir-resource.js';

export type ReferenceForm = 'relative' | 'conditional' | 'absolute' | 'urn' | 'contained' | 'container';

export type ReferenceCheck = { ok: true; form: ReferenceForm } | { ok: false; why: string };

export const EXPECTED_REFERENCE =
  'Type/id[/_history/version], Type?search, an absolute URL, urn:uuid:, urn:oid: or #contained-id';

const RELATIVE = /^([A-Za-z]+)\/([^/?#]*)(?:\/_history\/([^/?#]*))?(?:#[^\s]*)?$/;
const CONDITIONAL = /^([A-Za-z]+)\?(.+)$/;
// RFC 3986 scheme, then anything but whitespace.
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):(\S+)$/;
// Java's \s, which the spec's regexes mean: a no-break space inside a value is not whitespace to it.
const WHITESPACE = /[ \t\n\r\f\v]/;

// The common case, decided with one regex; anything else takes the slower path that can say what is wrong.
const PLAIN_RELATIVE = /^([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const RELATIVE_OK: ReferenceCheck = { ok: true, form: 'relative' };

export function checkReference(reference: string, isResourceType: (name: string) => boolean): ReferenceCheck {
  const plain = PLAIN_RELATIVE.exec(reference);
  if (plain !== null && isResourceType(plain[1] ?? '')) return RELATIVE_OK;
  if (reference === '') return { ok: false, why: 'it is empty' };
  if (WHITESPACE.test(reference)) return { ok: false, why: 'it contains whitespace' };
  if (reference.startsWith('#')) {
    if (reference === '#') return { ok: true, form: 'container' };
    return FHIR_ID_PATTERN.test(reference.slice(1))
      ? { ok: true, form: 'contained' }
      : { ok: false, why: `"${reference.slice(1)}" after # is not a FHIR id` };
  }
  const absolute = ABSOLUTE.exec(reference);
  // Type/id and Type?search never have a colon before their first / or ?, so a scheme means an absolute URI.
  if (absolute !== null) return checkAbsolute((absolute[1] ?? '').toLowerCase(), absolute[2] ?? '');
  const conditional = CONDITIONAL.exec(reference);
  if (conditional !== null) {
    const type = conditional[1] ?? '';
    return isResourceType(type)
      ? { ok: true, form: 'conditional' }
      : { ok: false, why: `"${type}" before ? is not an R4 resource type` };
  }
  const relative = RELATIVE.exec(reference);
  if (relative === null) {
    return { ok: false, why: 'a relative reference is Type/id or Type/id/_history/version' };
  }
  const [, type = '', id = '', version] = relative;
  if (!isResourceType(type)) return { ok: false, why: `"${type}" is not an R4 resource type` };
  if (!FHIR_ID_PATTERN.test(id)) return { ok: false, why: `id "${id}" is not a FHIR id` };
  if (version !== undefined && !FHIR_ID_PATTERN.test(version)) {
    return { ok: false, why: `version "${version}" is not a FHIR id` };
  }
  return RELATIVE_OK;
}

function checkAbsolute(scheme: string, rest: string): ReferenceCheck {
  if (scheme === 'urn') {
    // `urn:uuid:` ought to hold a UUID and `urn:oid:` an OID, but the HL7 validator resolves them as opaque
    // Bundle keys and accepts any text (fhir-test-cases ref-policy-default-r4 has `urn:uuid:…-X`): so do we.
    const name = /^([A-Za-z0-9][A-Za-z0-9-]*):(.+)$/.exec(rest);
    return name === null
      ? { ok: false, why: 'a urn: reference is urn:namespace:name (urn:uuid:…, urn:oid:…)' }
      : { ok: true, form: 'urn' };
  }
  if ((scheme === 'http' || scheme === 'https') && !/^\/\/[^/?#]+/.test(rest)) {
    return { ok: false, why: `the ${scheme}: URL has no host` };
  }
  return { ok: true, form: 'absolute' };
}

/** Kept for callers that only need a yes or no. */
export function isWellFormedReference(reference: string, isResourceType: (name: string) => boolean): boolean {
  return checkReference(reference, isResourceType).ok;
}
