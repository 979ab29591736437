/**
 * One typed walk over a parsed record: cleans every value (C1–C6) and then checks the cleaned value for what the
 * schema cannot express (real calendar dates R8, date formats, reference syntax R7). The FHIR type of each element
 * comes from the schema index, so the walk knows a `date` from a `string` without a hand-written field list.
 */
import { withSortedKeys } from '../../common/canonical-json.js';
import { FixCode, RejectCode } from '../../common/migration-codes.js';
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
import { EXPECTED_REFERENCE, isWellFormedReference } from './fhir-references.js';
import type { ElementType, FhirTypeIndex } from './fhir-types.js';
import type { Fix, Issue } from './issues.js';

const DROP = Symbol('drop');

export interface WalkContext {
  readonly index: FhirTypeIndex;
  readonly options: DateRewriteOptions;
  /** `input.ndjson:1043`, for messages. */
  readonly where: string;
  readonly fixes: Fix[];
  readonly issues: Issue[];
}

const isResourceType = (ctx: WalkContext) => (name: string) => ctx.index.isResourceType(name);

/** Cleans and checks a resource in place; returns it. */
export function walkResource(resource: Record<string, unknown>, ctx: WalkContext): Record<string, unknown> {
  const type = resource.resourceType as string;
  const cleaned = walkObject(resource, type, type, ctx);
  return cleaned === DROP ? { resourceType: type } : cleaned;
}

function walkObject(
  value: Record<string, unknown>,
  typeName: string,
  path: string,
  ctx: WalkContext,
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
  return withSortedKeys(value);
}

function walkValue(
  value: unknown,
  element: ElementType | undefined,
  ownerType: string,
  name: string,
  path: string,
  ctx: WalkContext,
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
    return walkObject(value as Record<string, unknown>, element?.typeName ?? 'Element', path, ctx);
  }
  return value;
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
  ctx: WalkContext,
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
  const trimmed = value.trim();
  if (trimmed !== value) {
    ctx.fixes.push({ code: FixCode.C1_TRIM, path, before: value, after: trimmed });
    if (trimmed === '') return DROP;
    value = trimmed;
  }
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
    return typed;
  }
  return value;
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

function cleanDate(value: string, kind: DateKind, name: string, path: string, ctx: WalkContext): string {
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

function checkReference(reference: Record<string, unknown>, path: string, ctx: WalkContext): void {
  const value = reference.reference;
  if (typeof value !== 'string' || isWellFormedReference(value, isResourceType(ctx))) return;
  ctx.issues.push({
    reason: RejectCode.R7_REFERENCE,
    path: `${path}.reference`,
    type: 'value',
    message: `reference ${JSON.stringify(value)} at ${path}.reference (${ctx.where}) is not a FHIR reference (${EXPECTED_REFERENCE})`,
  });
}
