/**
 * Test-only: classifies one output line by what is actually in it, without looking at the ground truth. The ground
 * truth test requires this to find exactly the declared defect on declared lines and nothing on every other line.
 */
import { isPlainObject, FHIR_ID_PATTERN } from '../common/fhir-resource.js';
import { canonicalJson } from '../common/canonical-json.js';
import { DefectClass } from './defects/catalogue.js';
import { r4ResourceTypes, schemaError } from './fhir-schema.testkit.js';

const REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;
/** Unicode Cc except TAB, LF, CR. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
const DATE_KEYS = /^(birthDate|start|end|issued|recordedDate|authoredOn|[a-z]+DateTime)$/;
const CODE_KEYS = new Set(['gender', 'status', 'intent']);
const PRIMITIVE_KEYS = new Set(['sequence', 'active', 'primarySource']);
const QUANTITY_KEYS = new Set(['valueQuantity', 'doseQuantity']);

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export class DefectDetector {
  private readonly seen = new Map<string, string>();
  private readonly types = r4ResourceTypes();

  constructor(private readonly maxRecordBytes: number) {}

  detect(text: string): DefectClass[] {
    if (Buffer.byteLength(text) > this.maxRecordBytes) return [DefectClass.OVERSIZE];
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      if (error instanceof SyntaxError) return [DefectClass.UNPARSEABLE];
      throw error;
    }
    if (!isPlainObject(record)) return [DefectClass.SCHEMA];
    if (typeof record.resourceType !== 'string' || !this.types.has(record.resourceType))
      return [DefectClass.RESOURCE_TYPE];
    if (typeof record.id !== 'string' || !FHIR_ID_PATTERN.test(record.id)) return [DefectClass.BAD_ID];
    const key = `${record.resourceType}/${record.id}`;
    const content = canonicalJson(record);
    const earlier = this.seen.get(key);
    if (earlier !== undefined)
      return [earlier === content ? DefectClass.EXACT_DUPLICATE : DefectClass.CONFLICTING_DUPLICATE];
    this.seen.set(key, content);
    const found = new Set<DefectClass>();
    this.walk(record, undefined, undefined, record.resourceType, found);
    if (found.size === 0 && schemaError(record) !== undefined) found.add(DefectClass.SCHEMA);
    return [...found];
  }

  private walk(
    value: unknown,
    key: string | undefined,
    parent: string | undefined,
    resourceType: string,
    found: Set<DefectClass>,
  ): void {
    if (value === null || value === '') found.add(DefectClass.NULLS_EMPTIES);
    else if (Array.isArray(value)) {
      if (value.length === 0) found.add(DefectClass.NULLS_EMPTIES);
      for (const item of value) this.walk(item, key, parent, resourceType, found);
    } else if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) found.add(DefectClass.NULLS_EMPTIES);
      for (const [childKey, child] of entries) this.walk(child, childKey, key, resourceType, found);
    } else if (typeof value === 'string')
      this.checkString(value, key ?? '', parent ?? '', resourceType, found);
  }

  private checkString(
    value: string,
    key: string,
    parent: string,
    resourceType: string,
    found: Set<DefectClass>,
  ): void {
    if (value.trim() !== value) found.add(DefectClass.WHITESPACE);
    if (CONTROL.test(value) || value.normalize('NFC') !== value) found.add(DefectClass.UNICODE);
    if (key === 'reference' && !REFERENCE.test(value)) found.add(DefectClass.MALFORMED_REFERENCE);
    if (PRIMITIVE_KEYS.has(key) || (key === 'value' && QUANTITY_KEYS.has(parent)))
      found.add(DefectClass.STRING_PRIMITIVE);
    if (
      (CODE_KEYS.has(key) || (key === 'type' && resourceType === 'AllergyIntolerance')) &&
      value !== value.toLowerCase()
    ) {
      found.add(DefectClass.CODE_SYNONYM);
    }
    if (key === 'gender' && ['f', 'm'].includes(value)) found.add(DefectClass.CODE_SYNONYM);
    if (!DATE_KEYS.test(key)) return;
    if (/^\d{4}\/\d{2}\/\d{2}$/.test(value) || /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value))
      found.add(DefectClass.DATE_FORMAT);
    if (/^\d{2}\/\d{2}\/\d{4}$/.test(value)) found.add(DefectClass.AMBIGUOUS_DATE);
    const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (ymd !== null && Number(ymd[3]) > daysIn(Number(ymd[1]), Number(ymd[2])))
      found.add(DefectClass.IMPOSSIBLE_DATE);
  }
}
