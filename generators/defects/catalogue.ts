/**
 * The defect catalogue: every class the dirty mode injects and the one outcome the migrator is expected to reach for
 * it, in the C and R code vocabulary of common/migration-codes.ts. generators/README.md documents each class precisely.
 */
import { FixCode, RejectCode, type ExpectedOutcome } from '../../common/migration-codes.js';

export const DefectClass = {
  WHITESPACE: 'whitespace',
  NULLS_EMPTIES: 'nulls-empties',
  CODE_SYNONYM: 'code-synonym',
  DATE_FORMAT: 'date-format',
  AMBIGUOUS_DATE: 'ambiguous-date',
  STRING_PRIMITIVE: 'string-primitive',
  UNICODE: 'unicode',
  EXACT_DUPLICATE: 'exact-duplicate',
  CONFLICTING_DUPLICATE: 'conflicting-duplicate',
  RESOURCE_TYPE: 'resource-type',
  BAD_ID: 'bad-id',
  UNPARSEABLE: 'unparseable',
  SCHEMA: 'schema',
  IMPOSSIBLE_DATE: 'impossible-date',
  OVERSIZE: 'oversize',
  MALFORMED_REFERENCE: 'malformed-reference',
} as const;
export type DefectClass = (typeof DefectClass)[keyof typeof DefectClass];

const fix = (code: FixCode): ExpectedOutcome => ({ outcome: 'accept-after-fix', fixes: [code] });
const reject = (reason: RejectCode): ExpectedOutcome => ({ outcome: 'reject', reason });

export const EXPECTED_OUTCOMES: Record<DefectClass, ExpectedOutcome> = {
  whitespace: fix(FixCode.C1_TRIM),
  'nulls-empties': fix(FixCode.C2_DROP_EMPTY),
  'code-synonym': fix(FixCode.C3_CANONICAL_CODE),
  'date-format': fix(FixCode.C4_DATE_FORMAT),
  'ambiguous-date': reject(RejectCode.R4_SCHEMA),
  'string-primitive': fix(FixCode.C5_TYPED_PRIMITIVE),
  unicode: fix(FixCode.C6_UNICODE),
  'exact-duplicate': fix(FixCode.C7_EXACT_DUPLICATE),
  'conflicting-duplicate': reject(RejectCode.R5_CONFLICTING_DUPLICATE),
  'resource-type': reject(RejectCode.R2_RESOURCE_TYPE),
  'bad-id': reject(RejectCode.R3_ID),
  unparseable: reject(RejectCode.R1_UNPARSEABLE),
  schema: reject(RejectCode.R4_SCHEMA),
  'impossible-date': reject(RejectCode.R8_IMPOSSIBLE_DATE),
  oversize: reject(RejectCode.R6_OVERSIZE),
  'malformed-reference': reject(RejectCode.R7_REFERENCE),
};

/** One line of ground-truth.ndjson: what was injected where, and what the migrator should do with that line. */
export interface GroundTruthEntry {
  /** Output file name, e.g. "Observation.ndjson". */
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  /** Type and id of the clean record this line was made from. */
  resourceType: string;
  id: string;
  defect: DefectClass;
  /** Which form of the defect, e.g. "leading" for whitespace; listed per class in the README. */
  variant: string;
  /** FHIRPath-like location of the damaged element, e.g. "Patient.name[0].family"; absent for whole-line defects. */
  location?: string;
  /** The value now at `location` (absent when the element was removed). */
  value?: unknown;
  expected: ExpectedOutcome;
  /** Only for ambiguous dates: the outcome when the migrator is told this date order. */
  withDateOrder?: { order: 'MDY'; expected: ExpectedOutcome };
}
