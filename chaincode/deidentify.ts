/**
 * De-identification for ResearchQuery, applied to every resource (and contained resource) a regulator receives.
 *
 * Removed: names, identifiers, telecom, photos, contacts, narrative (`text`), notes, top-level extensions, and the
 * `display` of every Reference (it usually repeats a person's name). Addresses keep only state and country.
 * Birth and death dates are cut to the year. Resource ids and `Type/id` references are replaced by a pseudonym,
 * so results stay linkable across queries (an Observation still points at its Patient) without the real ids.
 *
 * Limits (documented in the README): the pseudonym is sha256 over a fixed domain prefix and `Type/id`, because
 * endorsement must be deterministic and the chaincode holds no secret every peer would share. Anyone who can guess
 * a real id can compute its pseudonym, so this is pseudonymisation against casual re-identification, not
 * anonymisation. Clinical dates other than birth/death are kept.
 */
import { sha256Hex } from '../common/canonical-json.js';
import { isPlainObject, type FhirResource } from '../common/fhir-resource.js';

export const PSEUDONYM_DOMAIN = 'fhirledger/research-pseudonym/v1:';

const DROPPED_ELEMENTS = new Set(['name', 'identifier', 'telecom', 'photo', 'contact', 'note']);
const DROPPED_RESOURCE_ELEMENTS = new Set(['text', 'extension', 'modifierExtension']);
const YEAR_ONLY_ELEMENTS = new Set(['birthDate', 'deceasedDateTime']);
const RELATIVE_REFERENCE = /^(?:.*\/)?([A-Z][A-Za-z]{0,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** 64 hex characters: a valid FHIR id, stable for the same `Type/id`. */
export function pseudonymFor(resourceType: string, id: string): string {
  return sha256Hex(`${PSEUDONYM_DOMAIN}${resourceType}/${id}`);
}

export function deidentify(resource: FhirResource): FhirResource {
  return deidentifyResource(resource) as FhirResource;
}

function deidentifyResource(resource: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const resourceType = resource.resourceType;
  for (const [key, value] of Object.entries(resource)) {
    if (DROPPED_RESOURCE_ELEMENTS.has(key)) continue;
    if (key === 'id' && typeof resourceType === 'string' && typeof value === 'string') {
      out.id = pseudonymFor(resourceType, value);
    } else if (key === 'meta' && isPlainObject(value)) {
      // Only the version: source, tags and profiles can name the sending system or the person.
      if (typeof value.versionId === 'string') out.meta = { versionId: value.versionId };
    } else {
      const cleaned = deidentifyElement(key, value);
      if (cleaned !== undefined) out[key] = cleaned;
    }
  }
  return out;
}

function deidentifyElement(key: string, value: unknown): unknown {
  if (DROPPED_ELEMENTS.has(key)) return undefined;
  if (YEAR_ONLY_ELEMENTS.has(key)) return typeof value === 'string' ? value.slice(0, 4) : undefined;
  if (key === 'address') return mapMaybeArray(value, coarseAddress);
  if (Array.isArray(value)) return value.map((item) => deidentifyValue(item));
  return deidentifyValue(value);
}

function deidentifyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => deidentifyValue(item));
  if (!isPlainObject(value)) return value;
  if (typeof value.resourceType === 'string') return deidentifyResource(value);
  if (typeof value.reference === 'string') return pseudonymousReference(value);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const cleaned = deidentifyElement(key, child);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

/** A Reference keeps only its (pseudonymised) `reference` and `type`; display and identifier name people. */
function pseudonymousReference(reference: Record<string, unknown>): Record<string, unknown> {
  const text = reference.reference as string;
  const out: Record<string, unknown> = {};
  if (text.startsWith('#')) out.reference = text;
  else {
    const match = RELATIVE_REFERENCE.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      out.reference = `${match[1]}/${pseudonymFor(match[1], match[2])}`;
    }
    // A reference that is neither local nor Type/id (a urn:uuid, an opaque URL) is dropped: it may be an identifier.
  }
  if (typeof reference.type === 'string') out.type = reference.type;
  return out;
}

function coarseAddress(address: unknown): unknown {
  if (!isPlainObject(address)) return undefined;
  const out: Record<string, unknown> = {};
  if (typeof address.state === 'string') out.state = address.state;
  if (typeof address.country === 'string') out.country = address.country;
  return out;
}

function mapMaybeArray(value: unknown, map: (item: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(map).filter((item) => item !== undefined);
  return map(value);
}
