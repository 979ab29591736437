/**
 * The same hash as common/canonical-json `contentHash`, computed without building a key-sorted copy of the
 * record first: the migrator hashes every record, and that copy was a third of its dry-run time. The tests in
 * content-hash.test.ts keep them identical.
 */
import { createHash } from 'node:crypto';
import { withoutServerMeta } from '../common/canonical-json.js';
import type { FhirResource } from '../common/fhir-resource.js';

export function canonicalText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (i > 0) text += ',';
      text += item === undefined ? 'null' : canonicalText(item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const child = record[key];
    if (child === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalText(child)}`;
    first = false;
  }
  return `${text}}`;
}

export function fastContentHash(resource: FhirResource): string {
  return createHash('sha256')
    .update(canonicalText(withoutServerMeta(resource)))
    .digest('hex');
}

/**
 * For a record whose objects all have their keys in canonical order already (what the cleaning walk leaves
 * behind): plain JSON.stringify then is the canonical JSON, and native.
 */
export function sortedContentHash(resource: FhirResource): string {
  return sortedJsonAndHash(resource).hash;
}

/** The record's JSON (canonical, given sorted keys) and its content hash, serialising it only once. */
export function sortedJsonAndHash(resource: FhirResource): { json: string; hash: string } {
  const json = JSON.stringify(resource);
  const meta = resource.meta;
  // Stripping server meta would reorder keys; such records take the general path.
  if (meta !== undefined && (meta.versionId !== undefined || meta.lastUpdated !== undefined)) {
    return { json, hash: fastContentHash(resource) };
  }
  return { json, hash: createHash('sha256').update(json).digest('hex') };
}
