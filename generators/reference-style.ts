/**
 * How generated references are written. `relative` (the default) writes `Type/id` everywhere. `synthea` writes them
 * as Synthea's exports do, so the migrator is tested on the forms real third-party data uses:
 *
 * - references to a Practitioner or an Organization are *conditional*, by identifier:
 *   `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1234567890`,
 *   `Organization?identifier=https://fhirledger.example/organization|ORG-000001`;
 * - in Bundle output every entry's fullUrl is `urn:uuid:…` (a name-based UUID of the seed and `Type/id`, so the
 *   output stays reproducible), references between entries of the same Bundle use it, and transaction entries are
 *   `POST Type` (with `ifNoneExist` by identifier for Organization and Practitioner), as Synthea writes them.
 *
 * In NDJSON, references to the patient's own resources stay `Type/id` (there is no Bundle to resolve a urn:uuid in).
 */
import { createHash } from 'node:crypto';
import type { BundleEntry } from 'fhir/r4.js';
import type { GeneratedResource } from './generated-resource.js';

export const REFERENCE_STYLES = ['relative', 'synthea'] as const;
export type ReferenceStyle = (typeof REFERENCE_STYLES)[number];

/** A name-based (RFC 4122 version 5 layout) UUID for a generated resource: same seed, same UUID. */
export function resourceUuid(seed: number, key: string): string {
  const hex = createHash('sha1').update(`fhirledger:${seed}:${key}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Rewrites references unit by unit (directory units come before the patients that point at them, so the identifiers
 * of every Organization and Practitioner are known when a patient's records are rewritten).
 */
export class SyntheaReferences {
  private readonly conditional = new Map<string, string>();

  constructor(private readonly seed: number) {}

  /** Rewrites the unit's references in place; `inBundle` maps `Type/id` of the same Bundle's entries to urn:uuid. */
  rewrite(resources: readonly GeneratedResource[], inBundle: boolean): void {
    for (const resource of resources) {
      if (resource.resourceType !== 'Organization' && resource.resourceType !== 'Practitioner') continue;
      const identifier = resource.identifier?.[0];
      if (identifier?.system === undefined || identifier.value === undefined) continue;
      this.conditional.set(
        `${resource.resourceType}/${resource.id ?? ''}`,
        `${resource.resourceType}?identifier=${identifier.system}|${identifier.value}`,
      );
    }
    const local = new Map<string, string>();
    if (inBundle) {
      for (const resource of resources) {
        const key = `${resource.resourceType}/${resource.id ?? ''}`;
        local.set(key, `urn:uuid:${resourceUuid(this.seed, key)}`);
      }
    }
    for (const resource of resources) this.rewriteValue(resource, local);
  }

  private rewriteValue(value: unknown, local: ReadonlyMap<string, string>): void {
    if (Array.isArray(value)) {
      for (const item of value) this.rewriteValue(item, local);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(object)) {
      if (key === 'reference' && typeof child === 'string') {
        object[key] = this.conditional.get(child) ?? local.get(child) ?? child;
      } else if (typeof child === 'object') this.rewriteValue(child, local);
    }
  }

  /** The Bundle entry Synthea would write for this resource. */
  entry(resource: GeneratedResource, bundleType: 'transaction' | 'collection'): BundleEntry {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    const entry: BundleEntry = { fullUrl: `urn:uuid:${resourceUuid(this.seed, key)}`, resource };
    if (bundleType === 'transaction') {
      const condition = this.conditional.get(key);
      entry.request = {
        method: 'POST',
        url: resource.resourceType,
        ...(condition === undefined ? {} : { ifNoneExist: condition.slice(condition.indexOf('?') + 1) }),
      };
    }
    return entry;
  }
}
