import { createHash } from 'node:crypto';
import type { FhirResource } from './fhir-resource.js';

/**
 * JSON with object keys sorted at every depth and no insignificant white space. Two endorsing peers, the migrator's
 * dedupe and the chaincode's "unchanged" check must all see the same bytes for the same content, so this is the one
 * serialisation used wherever content is compared or hashed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      const child = source[key];
      if (child !== undefined) sorted[key] = sortKeysDeep(child);
    }
    return sorted;
  }
  return value;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The hash of a resource's content: everything except the server-set `meta.versionId` and `meta.lastUpdated`,
 * so re-sending a record the ledger already holds is recognised as "unchanged".
 */
export function contentHash(resource: FhirResource): string {
  return sha256Hex(canonicalJson(withoutServerMeta(resource)));
}

export function withoutServerMeta(resource: FhirResource): FhirResource {
  if (resource.meta === undefined) return resource;
  const { versionId: _versionId, lastUpdated: _lastUpdated, ...restOfMeta } = resource.meta;
  const copy: FhirResource = { ...resource };
  if (Object.keys(restOfMeta).length === 0) delete copy.meta;
  else copy.meta = restOfMeta;
  return copy;
}
