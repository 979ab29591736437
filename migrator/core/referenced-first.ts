/**
 * Which records go first. With a ledger the input is read in two passes: the record types others refer to
 * (Organization, Practitioner) first, everything else after, so a dependant never reaches the ledger before the
 * organisation or practitioner it references from the same run.
 */
import { isPlainObject } from '../../common/fhir-resource.js';
import type { SourceRecord } from './source-record.js';

export type Pass = 'all' | 'referenced' | 'rest';

export const REFERENCED_FIRST_TYPES: ReadonlySet<string> = new Set(['Organization', 'Practitioner']);
const REFERENCED_FIRST_TEXT = /"resourceType"\s*:\s*"(Organization|Practitioner)"/;

/** Whether `record` belongs to `pass`. */
export function inPass(pass: Pass, record: SourceRecord, maxRecordBytes: number): boolean {
  return pass === 'all' || isReferencedType(record, maxRecordBytes) === (pass === 'referenced');
}

export function isReferencedType(record: SourceRecord, maxRecordBytes: number): boolean {
  if (record.text === undefined) {
    return isPlainObject(record.value) && REFERENCED_FIRST_TYPES.has(String(record.value.resourceType));
  }
  // Cheap test first; only lines that mention the type are parsed to be sure it is the top-level one.
  if (
    record.bytes !== undefined ||
    !REFERENCED_FIRST_TEXT.test(record.text) ||
    record.text.length > maxRecordBytes
  )
    return false;
  try {
    const value: unknown = JSON.parse(record.text);
    return isPlainObject(value) && REFERENCED_FIRST_TYPES.has(String(value.resourceType));
  } catch (error) {
    // Unparseable lines are dealt with (R1) in the second pass.
    if (error instanceof SyntaxError) return false;
    throw error;
  }
}
