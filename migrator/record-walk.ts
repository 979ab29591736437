/**
 * One typed walk over a parsed record: cleans every value (C1–C6) and then checks the cleaned value for what the
 * schema cannot express (real calendar dates R8, date formats, reference syntax R7). The FHIR type of each element
 * comes from the schema index, so the walk knows a `date` from a `string` without a hand-written field list.
 */
import { FixCode, RejectCode } from '../common/migration-codes.js';
import { canonicalCode, requiredCodes } from './code-synonyms.js';
import {
  DATE_KINDS,
  EXPECTED_FORMAT,
  calendarProblem,
  isFhirDateFormat,
  rewriteDate,
  type DateKind,
  type DateRewriteOptions,
} from './fhir-dates.js';
import {
  addHashValue,
  addLocalReference,
  checkInvariants,
  checkRequired,
  checkRoot,
  integerProblem,
  INTEGER_TYPE_NAMES,
  isBase64,
  newRootScope,
  type RootScope,
} from './fhir-invariants.js';
import { checkReference as checkReferenceForm, EXPECTED_REFERENCE } from './fhir-references.js';
import type { ElementType, FhirTypeIndex } from './fhir-types.js';
import type { Fix, Issue } from './issues.js';
import { loadRequiredTable, type RequiredElement } from './required-elements.js';

const DROP = Symbol('drop');

export interface WalkContext {
  readonly index: FhirTypeIndex;
  readonly options: DateRewriteOptions;
  /** `input.ndjson:1043`, for messages. */
  readonly where: string;
  readonly fixes: Fix[];
  readonly issues: Issue[];
}

/** The walk's own state: the root resource being walked (for ref-1 and dom-*) and the required-elements table. */
interface Walk extends WalkContext {
  scope: RootScope;
  readonly required: ReadonlyMap<string, readonly RequiredElement[]>;
  readonly isResourceType: (name: string) => boolean;
}

interface IndexExtras {
  required: ReadonlyMap<string, readonly RequiredElement[]>;
  isResourceType: (name: string) => boolean;
}

// Derived once per index (from the on-disk cache after the first run), on the first record walked.
const extrasByIndex = new WeakMap<FhirTypeIndex, IndexExtras>();

function extrasFor(index: FhirTypeIndex): IndexExtras {
  let extras = extrasByIndex.get(index);
  if (extras === undefined) {
    extras = {
      required: new Map(Object.entries(loadRequiredTable(index))),
      isResourceType: (name) => index.isResourceType(name),
    };
    extrasByIndex.set(index, extras);
  }
  return extras;
}

/** Cleans and checks a resource in place; returns it. */
export function walkResource(resource: Record<string, unknown>, ctx: WalkContext): Record<string, unknown> {
  const type = resource.resourceType as string;
  const extras = extrasFor(ctx.index);
  const walk: Walk = {
    index: ctx.index,
    options: ctx.options,
    where: ctx.where,
    fixes: ctx.fixes,
    issues: ctx.issues,
    scope: newRootScope(),
    required: extras.required,
    isResourceType: extras.isResourceType,
  };
  const cleaned = walkObject(resource, type, type, walk);
  const result = cleaned === DROP ? { resourceType: type } : cleaned;
  checkRoot(result, type, walk.scope, ctx.where, ctx.issues);
  return result;
}

/** A resource inside another one that is not contained (Bundle.entry.resource, Parameters.parameter.resource). */
function walkNestedRoot(
  value: Record<string, unknown>,
  path: string,
  ctx: Walk,
): Record<string, unknown> | typeof DROP {
  const outer = ctx.scope;
  ctx.scope = newRootScope();
  try {
    const cleaned = walkObject(value, 'ResourceList', path, ctx);
    if (cleaned !== DROP) checkRoot(cleaned, path, ctx.scope, ctx.where, ctx.issues);
    return cleaned;
  } finally {
    ctx.scope = outer;
  }
}

function walkObject(
  value: Record<string, unknown>,
  typeName: string,
  path: string,
  ctx: Walk,
): Record<string, unknown> | typeof DROP {
  // A contained resource's type is its own resourceType, not the schema's catch-all ResourceList.
  const ownType =
    typeName === 'ResourceList' && ctx.index.isResourceType(value.resourceType)
      ? value.resourceType
      : typeName;
  // Cleaned in place: the record was parsed for this walk alone, and copying it cost more than the cleaning.
  let kept = 0;
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (key === 'resourceType') {
      kept += 1;
      continue;
    }
    const element = key.startsWith('_')
      ? { typeName: 'Element', isArray: Array.isArray(child) }
      : ctx.index.element(ownType, key);
    const cleaned = walkValue(child, element, ownType, key, `${path}.${key}`, ctx);
    if (cleaned === DROP) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- dropping an element is the C1/C2 fix
      delete value[key];
    } else {
      if (cleaned !== child) value[key] = cleaned;
      kept += 1;
    }
  }
  if (kept === 0) {
    ctx.fixes.push({ code: FixCode.C2_DROP_EMPTY, path, before: {} });
    return DROP;
  }
  if (ownType === 'Reference') checkReference(value, path, ctx);
  const required = ctx.required.get(ownType);
  if (required !== undefined) checkRequired(value, required, path, ctx.where, ctx.issues);
  checkInvariants(value, ownType, path, ctx.where, ctx.issues);
  return withSortedKeys(value);
}

/**
 * Leaves every object of a cleaned record with its keys in canonical order, so the record's canonical JSON is plain
 * JSON.stringify (see content-hash.ts) instead of a second walk that copies and sorts.
 */
function withSortedKeys(value: Record<string, unknown>): Record<string, unknown> {
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

function walkValue(
  value: unknown,
  element: ElementType | undefined,
  ownerType: string,
  name: string,
  path: string,
  ctx: Walk,
): unknown {
  if (value === null) {
    ctx.fixes.push({ code: FixCode.C2_DROP_EMPTY, path, before: null });
    return DROP;
  }
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let out = items;
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i];
      const cleaned = walkValue(item, element, ownerType, name, `${path}[${i}]`, ctx);
      if (cleaned === DROP) {
        if (out === items) out = items.slice(0, i);
      } else if (out !== items) out.push(cleaned);
      else if (cleaned !== item) items[i] = cleaned;
    }
    if (out.length === 0) {
      ctx.fixes.push({ code: FixCode.C2_DROP_EMPTY, path, before: [] });
      return DROP;
    }
    return out;
  }
  if (typeof value === 'string') return walkString(value, element, ownerType, name, path, ctx);
  if (typeof value === 'object') {
    if (element?.typeName === 'ResourceList' && name !== 'contained') {
      return walkNestedRoot(value as Record<string, unknown>, path, ctx);
    }
    return walkObject(value as Record<string, unknown>, element?.typeName ?? 'Element', path, ctx);
  }
  if (typeof value === 'number' && element !== undefined && INTEGER_TYPE_NAMES.has(element.typeName)) {
    checkInteger(value, element.typeName, name, path, ctx);
  }
  return value;
}

function checkInteger(value: number, typeName: string, name: string, path: string, ctx: Walk): void {
  const problem = integerProblem(value, typeName);
  if (problem === undefined) return;
  ctx.issues.push({
    reason: RejectCode.R4_SCHEMA,
    path,
    type: 'value',
    message: `${name} ${value} at ${path} (${ctx.where}) is not a FHIR ${typeName} (${problem})`,
  });
}

// Control characters other than tab, line feed and carriage return; C1 controls too.
// eslint-disable-next-line no-control-regex -- finding control characters is the point of C6
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const NOT_PRINTABLE_ASCII = /[^\u0020-\u007E]/;

function walkString(
  original: string,
  element: ElementType | undefined,
  ownerType: string,
  name: string,
  path: string,
  ctx: Walk,
): unknown {
  if (original === '') {
    ctx.fixes.push({ code: FixCode.C2_DROP_EMPTY, path, before: '' });
    return DROP;
  }
  let value = original;
  if (NOT_PRINTABLE_ASCII.test(value)) {
    const normalised = value.normalize('NFC').replace(CONTROL_CHARACTERS, '');
    if (normalised !== value) {
      ctx.fixes.push({ code: FixCode.C6_UNICODE, path, before: value, after: normalised });
      value = normalised;
    }
  }
  const trimmed = trimXmlWhitespace(value);
  if (trimmed !== value) {
    ctx.fixes.push({ code: FixCode.C1_TRIM, path, before: value, after: trimmed });
    if (trimmed === '') return DROP;
    value = trimmed;
  }
  if (value.charCodeAt(0) === 35) addHashValue(ctx.scope, value);
  if (element === undefined) return value;
  const typeName = element.typeName;
  const codes = element.codes ?? (typeName === 'code' ? requiredCodes(ownerType, name) : undefined);
  if (codes !== undefined) {
    if (codes.includes(value)) return value;
    const canonical = canonicalCode(ownerType, name, value, codes);
    if (canonical !== undefined) {
      ctx.fixes.push({ code: FixCode.C3_CANONICAL_CODE, path, before: value, after: canonical });
      return canonical;
    }
    // The schema reports its own enums; only the codes it leaves open are ours to report.
    if (element.codes === undefined) {
      ctx.issues.push({
        reason: RejectCode.R4_SCHEMA,
        path,
        type: 'code-invalid',
        message: `${name} ${JSON.stringify(value)} at ${path} (${ctx.where}) is not one of ${codes.join(', ')}`,
      });
    }
    return value;
  }
  if (DATE_KINDS.has(typeName)) return cleanDate(value, typeName as DateKind, name, path, ctx);
  const kind = ctx.index.primitiveKind(typeName);
  if (kind === 'boolean' || kind === 'number') {
    const typed = kind === 'boolean' ? parseBoolean(value) : parseNumber(value, typeName);
    if (typed === undefined) return value;
    ctx.fixes.push({ code: FixCode.C5_TYPED_PRIMITIVE, path, before: value, after: typed });
    if (typeof typed === 'number' && INTEGER_TYPE_NAMES.has(typeName))
      checkInteger(typed, typeName, name, path, ctx);
    return typed;
  }
  if (typeName === 'base64Binary' && !isBase64(value)) {
    ctx.issues.push({
      reason: RejectCode.R4_SCHEMA,
      path,
      type: 'value',
      message: `${name} at ${path} (${ctx.where}) is not base64 (A-Z, a-z, 0-9, + and / or - and _, = padding)`,
    });
  }
  return value;
}

function isXmlWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * C1 trims what FHIR (XML Schema) calls whitespace — space, tab, CR, LF — not JavaScript's wider set: a no-break
 * space is content to FHIR (HL7's v2-0550 CodeSystem has a concept whose code is U+00A0), and trimming it away
 * would turn a valid record into one with a required element missing.
 */
function trimXmlWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isXmlWhitespace(value.charCodeAt(start))) start += 1;
  while (end > start && isXmlWhitespace(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const INTEGER_TYPES: ReadonlySet<string> = new Set(['integer', 'positiveInt', 'unsignedInt']);

function parseNumber(value: string, typeName: string): number | undefined {
  if (!DECIMAL.test(value)) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) return undefined;
  if (INTEGER_TYPES.has(typeName) && !Number.isInteger(number)) return undefined;
  return number;
}

function cleanDate(value: string, kind: DateKind, name: string, path: string, ctx: Walk): string {
  let current = value;
  if (!isFhirDateFormat(current, kind)) {
    const rewrite = rewriteDate(current, kind, ctx.options);
    if (rewrite.kind !== 'rewritten') {
      const hint =
        rewrite.kind === 'ambiguous' ? '; day and month order is ambiguous, pass --date-order dmy|mdy' : '';
      ctx.issues.push({
        reason: RejectCode.R4_SCHEMA,
        path,
        type: 'value',
        message: `${name} ${JSON.stringify(value)} at ${path} (${ctx.where}) is not a FHIR ${kind} (${EXPECTED_FORMAT[kind]})${hint}`,
      });
      return current;
    }
    ctx.fixes.push({ code: FixCode.C4_DATE_FORMAT, path, before: current, after: rewrite.value });
    current = rewrite.value;
  }
  const problem = calendarProblem(current);
  if (problem !== undefined) {
    ctx.issues.push({
      reason: RejectCode.R8_IMPOSSIBLE_DATE,
      path,
      type: 'value',
      message: `${name} ${JSON.stringify(current)} at ${path} (${ctx.where}) is not a real calendar date (${problem})`,
    });
  }
  return current;
}

function checkReference(reference: Record<string, unknown>, path: string, ctx: Walk): void {
  const value = reference.reference;
  if (typeof value !== 'string') return;
  const check = checkReferenceForm(value, ctx.isResourceType);
  if (check.ok) {
    if (check.form === 'contained') addLocalReference(ctx.scope, value, `${path}.reference`);
    return;
  }
  ctx.issues.push({
    reason: RejectCode.R7_REFERENCE,
    path: `${path}.reference`,
    type: 'value',
    message: `reference ${JSON.stringify(value)} at ${path}.reference (${ctx.where}) is not a FHIR reference: ${check.why} (expected ${EXPECTED_REFERENCE})`,
  });
}
