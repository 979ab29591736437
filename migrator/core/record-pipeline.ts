/**
 * Parse → clean → validate for one record, with no I/O and no state: what a record is (accepted with its fixes, or
 * rejected with its issues) depends only on its text and the options. Dedupe, which needs the whole run, is apart.
 */
import { canonicalJson, canonicalJsonAndHash, sha256Hex } from '../../common/canonical-json.js';
import { FHIR_ID_PATTERN, isPlainObject, recordKey, type FhirResource } from '../../common/fhir-resource.js';
import { RejectCode } from '../../common/migration-codes.js';
import type { DateRewriteOptions } from './fhir-dates.js';
import type { FhirTypeIndex } from './fhir-types.js';
import { primaryReason, type Fix, type Issue } from './issues.js';
import { formatLocation, type RecordLocation } from './record-location.js';
import { walkResource } from './record-walk.js';
import { schemaIssues, type SchemaValidators } from '../io/schema-validator.js';

export interface PipelineOptions extends DateRewriteOptions {
  maxRecordBytes: number;
  /** Give a record without an id a deterministic one derived from its content hash (instead of R3). */
  assignIds: boolean;
}

export type RecordResult =
  | {
      kind: 'accepted';
      resource: FhirResource;
      resourceType: string;
      id: string;
      key: string;
      /** The cleaned record as JSON with every object's keys sorted: what is submitted and what the hash covers. */
      json: string;
      /** sha256 of the canonical cleaned content (see common/canonical-json contentHash). */
      hash: string;
      fixes: Fix[];
      assignedId: boolean;
    }
  | { kind: 'rejected'; reason: RejectCode; issues: Issue[]; fixes: Fix[]; resourceType?: string };

const ID_EXPECTED = '1–64 characters of A-Z, a-z, 0-9, "-" and "."';

export class RecordPipeline {
  constructor(
    private readonly index: FhirTypeIndex,
    private readonly validators: SchemaValidators,
    readonly options: PipelineOptions,
  ) {}

  /**
   * One record as text (an NDJSON line, or a streamed value re-serialised): the size is checked on the raw text
   * before anything parses it. `rawBytes` is the record's size when `text` holds only its head (an over-long line
   * the source did not keep whole).
   */
  processText(text: string, location: RecordLocation, rawBytes?: number): RecordResult {
    const where = formatLocation(location);
    const bytes =
      rawBytes ?? (text.length * 3 > this.options.maxRecordBytes ? Buffer.byteLength(text) : text.length);
    if (bytes > this.options.maxRecordBytes) return this.oversize(bytes, where);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof SyntaxError ? error.message : String(error);
      return reject(
        RejectCode.R1_UNPARSEABLE,
        '',
        'structure',
        `record at ${where} is not valid JSON: ${detail}`,
      );
    }
    return this.processParsed(value, where);
  }

  private oversize(bytes: number, where: string): RecordResult {
    return reject(
      RejectCode.R6_OVERSIZE,
      '',
      'too-long',
      `record at ${where} is ${bytes} bytes, over --max-record-bytes ${this.options.maxRecordBytes}`,
    );
  }

  private processParsed(value: unknown, where: string): RecordResult {
    if (!isPlainObject(value)) {
      return reject(RejectCode.R2_RESOURCE_TYPE, '', 'structure', `record at ${where} is not a JSON object`);
    }
    const resourceType = value.resourceType;
    if (resourceType === undefined) {
      return reject(
        RejectCode.R2_RESOURCE_TYPE,
        'resourceType',
        'required',
        `resourceType missing (${where})`,
      );
    }
    if (!this.index.isResourceType(resourceType)) {
      return reject(
        RejectCode.R2_RESOURCE_TYPE,
        'resourceType',
        'value',
        `resourceType ${JSON.stringify(resourceType)} (${where}) is not an R4 resource type`,
      );
    }
    const fixes: Fix[] = [];
    const issues: Issue[] = [];
    const cleaned = walkResource(value, { index: this.index, options: this.options, where, fixes, issues });
    let assignedId = false;
    const idPath = `${resourceType}.id`;
    if (cleaned.id === undefined && this.options.assignIds) {
      cleaned.id = sha256Hex(canonicalJson(cleaned)).slice(0, 32);
      assignedId = true;
    } else if (cleaned.id === undefined) {
      issues.push({
        reason: RejectCode.R3_ID,
        path: idPath,
        type: 'required',
        message: `id missing at ${idPath} (${where}); expected ${ID_EXPECTED}, or pass --assign-ids`,
      });
    } else if (typeof cleaned.id !== 'string' || !FHIR_ID_PATTERN.test(cleaned.id)) {
      issues.push({
        reason: RejectCode.R3_ID,
        path: idPath,
        type: 'value',
        message: `id ${JSON.stringify(cleaned.id)} at ${idPath} (${where}) is not a FHIR id (${ID_EXPECTED})`,
      });
    }
    const validate = this.validators.forType(resourceType);
    if (validate !== undefined && !validate(cleaned)) {
      const already = new Set(issues.map((issue) => issue.path));
      for (const issue of schemaIssues(cleaned, validate.errors ?? [], where, (pattern) =>
        this.index.typeForPattern(pattern),
      )) {
        if (!already.has(issue.path)) issues.push(issue);
      }
    }
    if (issues.length > 0) {
      return { kind: 'rejected', reason: primaryReason(issues), issues, fixes, resourceType };
    }
    const resource = cleaned as FhirResource;
    const id = resource.id as string;
    const { json, hash } = canonicalJsonAndHash(resource);
    return {
      kind: 'accepted',
      resource,
      resourceType,
      id,
      key: recordKey(resourceType, id),
      json,
      hash,
      fixes,
      assignedId,
    };
  }
}

function reject(reason: RejectCode, path: string, type: Issue['type'], message: string): RecordResult {
  return { kind: 'rejected', reason, issues: [{ reason, path, type, message }], fixes: [] };
}
