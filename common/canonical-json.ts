import { createHash } from 'node:crypto';
import type { FhirResource } from './fhir-resource.js';

/**
 * The one canonical JSON: object keys sorted at every depth and no insignificant white space. Two endorsing peers,
 * the migrator's dedupe and the chaincode's "unchanged" check must all see the same bytes for the same content, so
 * this is the one serialisation used wherever content is compared or hashed. Written out directly rather than as
 * JSON.stringify of a key-sorted copy: the migrator serialises every record, and that copy cost a third of its
 * dry-run time.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (i > 0) text += ',';
      text += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const child = record[key];
    if (child === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(child)}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * The object itself when its own keys are already in canonical order, else a copy that has them so. A walk that
 * applies this to every object it rebuilds (the migrator's cleaning walk) leaves a record whose canonical JSON is
 * plain JSON.stringify — see `canonicalJsonAndHash`.
 */
export function withSortedKeys(value: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length; i += 1) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return value;
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = value[key];
  return out;
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

/**
 * A record's canonical JSON and content hash, serialising it once. For a record whose objects all have their keys
 * in canonical order already (what the cleaning walk leaves behind) plain JSON.stringify is the canonical JSON, and
 * native; a record that carries server meta takes the general path, since stripping that meta changes the bytes.
 */
export function canonicalJsonAndHash(resource: FhirResource): { json: string; hash: string } {
  const json = JSON.stringify(resource);
  const meta = resource.meta;
  if (meta !== undefined && (meta.versionId !== undefined || meta.lastUpdated !== undefined)) {
    return { json, hash: contentHash(resource) };
  }
  return { json, hash: sha256Hex(json) };
}

export function withoutServerMeta(resource: FhirResource): FhirResource {
  if (resource.meta === undefined) return resource;
  const { versionId: _versionId, lastUpdated: _lastUpdated, ...restOfMeta } = resource.meta;
  const copy: FhirResource = { ...resource };
  if (Object.keys(restOfMeta).length === 0) delete copy.meta;
  else copy.meta = restOfMeta;
  return copy;
}
