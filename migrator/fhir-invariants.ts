/**
 * The R4 invariants (FHIRPath constraints of severity error in the base StructureDefinitions) that are worth
 * checking without a terminology server, and required elements (min cardinality ≥ 1, from required-elements.ts).
 * Each check is written to be *conservative*: it refuses only what the HL7 validator would also refuse, and where
 * the FHIRPath semantics leave room (comparisons of partial dates, Coding equality) it gives the record the benefit
 * of the doubt. The record walk calls these on cleaned objects; they only read.
 *
 * | key | rule | where |
 * |---|---|---|
 * | min | a required element is present (`Observation.status`, `Extension.url`…) | every object |
 * | ref-1 | a `#id` reference names a contained resource of the root resource | Reference |
 * | dom-2 | a contained resource has no contained resources | DomainResource |
 * | dom-3 | a contained resource is referenced from the resource (or refers to it with `#`) | DomainResource |
 * | dom-4 | a contained resource has no meta.versionId / meta.lastUpdated | DomainResource |
 * | dom-5 | a contained resource has no meta.security | DomainResource |
 * | ext-1 | an extension has either nested extensions or a value[x], not both | Extension |
 * | per-1 | Period.start ≤ Period.end (only compared at the same precision) | Period |
 * | obs-6 | dataAbsentReason only when there is no value[x] | Observation |
 * | obs-7 | no value[x] when a component has the same code | Observation |
 * | ras-2 | probabilityDecimal ≤ 100 | RiskAssessment.prediction |
 * | que-12 | more than one enableWhen → enableBehavior (the R4 text; its expression says `> 2`, the HL7 validator applies `> 1`) | Questionnaire.item |
 * | int | integer within 32 bits, positiveInt ≥ 1, unsignedInt ≥ 0, no fraction | integer types |
 * | b64 | base64Binary is base64 (either alphabet, whitespace ignored) | base64Binary |
 * | att-size | Attachment.size is the decoded size of Attachment.data (the HL7 validator's check; only for padded base64) | Attachment |
 */
import { RejectCode } from '../common/migration-codes.js';
import type { Issue } from './issues.js';
import type { RequiredElement } from './required-elements.js';

/**
 * What ref-1 and dom-3 need from one root resource (a record, a Bundle entry's resource, a Parameters resource).
 * Both fields stay undefined for the many records that have no `#` value, so a record costs one small object.
 */
export interface RootScope {
  /** `#…` references under the root, with where they are. */
  localReferences: { value: string; path: string }[] | undefined;
  /** Every string value beginning with `#` (references, canonicals, uris) anywhere under the root. */
  hashValues: Set<string> | undefined;
}

export function newRootScope(): RootScope {
  return { localReferences: undefined, hashValues: undefined };
}

export function addHashValue(scope: RootScope, value: string): void {
  (scope.hashValues ??= new Set()).add(value);
}

export function addLocalReference(scope: RootScope, value: string, path: string): void {
  (scope.localReferences ??= []).push({ value, path });
}

function invariant(path: string, where: string, key: string, text: string): Issue {
  return {
    reason: RejectCode.R4_SCHEMA,
    path,
    type: 'invariant',
    message: `${text} at ${path} (${where}) [${key}]`,
  };
}

/** Required elements of one object of type `type` (a schema definition name). */
export function checkRequired(
  value: Record<string, unknown>,
  required: readonly RequiredElement[],
  path: string,
  where: string,
  issues: Issue[],
): void {
  for (const element of required) {
    const found = countPresent(value, element);
    if (found >= element.min) continue;
    const at = `${path}.${element.name}`;
    issues.push({
      reason: RejectCode.R4_SCHEMA,
      path: at,
      type: 'required',
      message: `required element ${at} (${where}): expected ${element.min}..*, but found ${found} (min cardinality in the R4 definition)`,
    });
  }
}

function countPresent(value: Record<string, unknown>, element: RequiredElement): number {
  const prefix = element.choicePrefix;
  if (prefix === undefined) {
    const child = value[element.name] ?? value[`_${element.name}`];
    if (child === undefined) return 0;
    return Array.isArray(child) ? child.length : 1;
  }
  return hasChoice(value, prefix) === undefined ? 0 : 1;
}

/** Checks a root resource once everything under it has been walked: ref-1 and the dom-* contained rules. */
export function checkRoot(
  resource: Record<string, unknown>,
  path: string,
  scope: RootScope,
  where: string,
  issues: Issue[],
): void {
  // Most records have neither contained resources nor #references: nothing to check.
  if (scope.localReferences === undefined && resource.contained === undefined) return;
  const contained = Array.isArray(resource.contained) ? (resource.contained as unknown[]) : [];
  const ids = new Set<string>();
  for (const item of contained) {
    if (typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string') {
      ids.add((item as { id: string }).id);
    }
  }
  for (const { value, path: at } of scope.localReferences ?? []) {
    const id = value.slice(1);
    if (id === '' || ids.has(id)) continue;
    const known = ids.size === 0 ? 'the resource contains none' : `contained ids: ${[...ids].join(', ')}`;
    issues.push({
      reason: RejectCode.R7_REFERENCE,
      path: at,
      type: 'invariant',
      message: `reference "${value}" at ${at} (${where}) names no contained resource (${known}) [ref-1]`,
    });
  }
  if (contained.length === 0) return;
  const narrative = (resource.text as { div?: unknown } | undefined)?.div;
  contained.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const at = `${path}.contained[${i}]`;
    const inner = item as Record<string, unknown>;
    if (inner.contained !== undefined) {
      issues.push(
        invariant(`${at}.contained`, where, 'dom-2', 'a contained resource cannot contain resources'),
      );
    }
    const meta = inner.meta as Record<string, unknown> | undefined;
    if (meta?.versionId !== undefined || meta?.lastUpdated !== undefined) {
      issues.push(
        invariant(
          `${at}.meta`,
          where,
          'dom-4',
          'a contained resource cannot have meta.versionId or meta.lastUpdated',
        ),
      );
    }
    if (meta?.security !== undefined) {
      issues.push(
        invariant(`${at}.meta.security`, where, 'dom-5', 'a contained resource cannot have security labels'),
      );
    }
    const id = inner.id;
    if (typeof id !== 'string') return;
    // Referenced by `#id` anywhere, or some element says `#` (a contained resource pointing at its container);
    // a link from the narrative is taken as a reference too, to stay on the accepting side.
    if (scope.hashValues?.has(`#${id}`) === true || scope.hashValues?.has('#') === true) return;
    if (typeof narrative === 'string' && narrative.includes(`#${id}`)) return;
    issues.push(
      invariant(
        at,
        where,
        'dom-3',
        `contained resource "${id}" is not referenced from the resource (no "#${id}")`,
      ),
    );
  });
}

/** The element name of a present choice (`valueQuantity`), also when only its `_valueString` (extensions) is there. */
function hasChoice(value: Record<string, unknown>, prefix: string): string | undefined {
  for (const key of Object.keys(value)) {
    const bare = key.charCodeAt(0) === 95 ? key.slice(1) : key;
    if (bare.length > prefix.length && bare.startsWith(prefix)) {
      const next = bare.charCodeAt(prefix.length);
      if (next >= 65 && next <= 90) return bare;
    }
  }
  return undefined;
}

const DATE_TIME_FULL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The invariants of one object whose FHIR type is `type` (see the table above). */
export function checkInvariants(
  value: Record<string, unknown>,
  type: string,
  path: string,
  where: string,
  issues: Issue[],
): void {
  switch (type) {
    case 'Extension': {
      const hasValue = hasChoice(value, 'value') !== undefined;
      const hasExtension = value.extension !== undefined;
      if (hasValue === hasExtension) {
        issues.push(
          invariant(
            path,
            where,
            'ext-1',
            hasValue
              ? 'an extension has both a value[x] and nested extensions'
              : 'an extension has neither a value[x] nor nested extensions',
          ),
        );
      }
      return;
    }
    case 'Period': {
      const { start, end } = value;
      if (typeof start !== 'string' || typeof end !== 'string') return;
      let after = false;
      if (DATE_TIME_FULL.test(start) && DATE_TIME_FULL.test(end)) after = Date.parse(start) > Date.parse(end);
      else if (start.length === end.length && !start.includes('T')) after = start > end;
      if (after) issues.push(invariant(path, where, 'per-1', `start ${start} is after end ${end}`));
      return;
    }
    case 'Observation': {
      const valueKey = hasChoice(value, 'value');
      if (valueKey !== undefined && value.dataAbsentReason !== undefined) {
        issues.push(invariant(path, where, 'obs-6', `dataAbsentReason is given with ${valueKey}`));
      }
      if (valueKey !== undefined && Array.isArray(value.component)) {
        const codes = codingTexts(value.code);
        if (codes.size === 0) return;
        (value.component as unknown[]).forEach((component, i) => {
          const shared = [...codingTexts((component as { code?: unknown } | null)?.code)].some((c) =>
            codes.has(c),
          );
          if (shared) {
            issues.push(
              invariant(
                `${path}.component[${i}].code`,
                where,
                'obs-7',
                `a component has the Observation's own code, so ${valueKey} must not be present`,
              ),
            );
          }
        });
      }
      return;
    }
    case 'RiskAssessment_Prediction': {
      const probability = value.probabilityDecimal;
      if (typeof probability === 'number' && probability > 100) {
        issues.push(
          invariant(
            `${path}.probabilityDecimal`,
            where,
            'ras-2',
            `probabilityDecimal ${probability} is over 100`,
          ),
        );
      }
      return;
    }
    case 'Questionnaire_Item': {
      const enableWhen = value.enableWhen;
      if (Array.isArray(enableWhen) && enableWhen.length > 1 && value.enableBehavior === undefined) {
        issues.push(
          invariant(
            path,
            where,
            'que-12',
            `${enableWhen.length} enableWhen conditions but no enableBehavior`,
          ),
        );
      }
      return;
    }
    case 'Attachment': {
      const { data, size } = value;
      if (typeof data !== 'string' || typeof size !== 'number') return;
      const actual = decodedBase64Length(data);
      if (actual !== undefined && actual !== size) {
        issues.push(
          invariant(
            `${path}.size`,
            where,
            'att-size',
            `size ${size} is not the ${actual} bytes that data holds`,
          ),
        );
      }
      return;
    }
    default:
  }
}

/** Bytes a padded base64 text decodes to; undefined when it is not exactly that (then size is not compared). */
function decodedBase64Length(data: string): number | undefined {
  const text = data.replace(/[ \t\n\r]/g, '');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** A CodeableConcept's codings as JSON (keys already sorted by the walk), for FHIRPath `intersect` equality. */
function codingTexts(concept: unknown): Set<string> {
  const codings = (concept as { coding?: unknown } | null | undefined)?.coding;
  if (!Array.isArray(codings)) return new Set();
  return new Set(codings.map((coding) => JSON.stringify(coding)));
}

const INTEGER_RANGE: Record<string, readonly [number, number]> = {
  integer: [-2147483648, 2147483647],
  positiveInt: [1, 2147483647],
  unsignedInt: [0, 2147483647],
};

/** Integer types: a whole number within the type's range (the JSON schema's pattern does not apply to numbers). */
export function integerProblem(value: number, typeName: string): string | undefined {
  const range = INTEGER_RANGE[typeName];
  if (range === undefined) return undefined;
  if (!Number.isInteger(value)) return `not a whole number`;
  if (value < range[0] || value > range[1]) return `outside ${range[0]}..${range[1]}`;
  return undefined;
}

export const INTEGER_TYPE_NAMES: ReadonlySet<string> = new Set(Object.keys(INTEGER_RANGE));

// Apache Commons' isBase64, which the HL7 validator uses: both alphabets, padding, whitespace ignored.
const BASE64 = /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/;

export function isBase64(value: string): boolean {
  return BASE64.test(value);
}
