/**
 * The migrator's vocabulary of fixes (C*) and rejections (R*), shared with the generator's ground-truth catalogue
 * so that "what the generator injected" and "what the migrator did" can be compared code for code.
 */

export const FixCode = {
  C1_TRIM: 'C1',
  C2_DROP_EMPTY: 'C2',
  C3_CANONICAL_CODE: 'C3',
  C4_DATE_FORMAT: 'C4',
  C5_TYPED_PRIMITIVE: 'C5',
  C6_UNICODE: 'C6',
  C7_EXACT_DUPLICATE: 'C7',
} as const;
export type FixCode = (typeof FixCode)[keyof typeof FixCode];

export const FIX_DESCRIPTIONS: Record<FixCode, string> = {
  C1: 'strings trimmed; strings that became empty dropped',
  C2: 'nulls, empty strings, empty arrays and empty objects dropped',
  C3: 'code with wrong case or a common synonym replaced by the canonical code',
  C4: 'unambiguous non-FHIR date or dateTime rewritten in FHIR format',
  C5: 'number or boolean written as a string converted to its type',
  C6: 'text normalised to Unicode NFC and control characters removed',
  C7: 'exact duplicate (same type/id, same content) kept once',
};

export const RejectCode = {
  R1_UNPARSEABLE: 'R1',
  R2_RESOURCE_TYPE: 'R2',
  R3_ID: 'R3',
  R4_SCHEMA: 'R4',
  R5_CONFLICTING_DUPLICATE: 'R5',
  R6_OVERSIZE: 'R6',
  R7_REFERENCE: 'R7',
  R8_IMPOSSIBLE_DATE: 'R8',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

export const REJECT_DESCRIPTIONS: Record<RejectCode, string> = {
  R1: 'not parseable as JSON',
  R2: 'resourceType missing or not an R4 resource type',
  R3: 'id missing or not a FHIR id',
  R4: 'violates the FHIR R4 schema in a way cleaning cannot fix',
  R5: 'conflicting duplicate: same type/id, different content',
  R6: 'record larger than --max-record-bytes',
  R7: 'malformed reference',
  R8: 'impossible date (e.g. 30 February)',
};

/** What the migrator is expected to do with one input record (the generator's ground truth speaks this). */
export type ExpectedOutcome =
  | { outcome: 'accept' }
  | { outcome: 'accept-after-fix'; fixes: FixCode[] }
  | { outcome: 'reject'; reason: RejectCode };
