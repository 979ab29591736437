/**
 * What a dead-letter line says: the record's location, the reason, the text as read (bounded) and a FHIR
 * OperationOutcome with one issue per problem. Pure formatting; the ordinal log writes it.
 */
import type { BatchItemResult } from '../../common/ehr-contract.js';
import { RejectCode } from '../../common/migration-codes.js';
import type { BatchItem } from './batch-submitter.js';
import { toOperationOutcome, type Issue } from './issues.js';
import { formatLocation, type RecordLocation } from './record-location.js';

/** An R6 record's dead-letter `text` keeps only this many characters: enough to recognise it, never megabytes. */
export const OVERSIZE_TEXT_CHARS = 4096;

export function rejectEntry(
  location: RecordLocation,
  text: string,
  reason: RejectCode,
  issues: readonly Issue[],
  /** The source kept only the head of this (over-long) record. */
  cutBySource: boolean,
): object {
  // Other rejects are at most --max-record-bytes long; an oversize one keeps only its head.
  const cut = cutBySource || (reason === RejectCode.R6_OVERSIZE && text.length > OVERSIZE_TEXT_CHARS);
  return {
    ...location,
    reason,
    text: cut ? text.slice(0, OVERSIZE_TEXT_CHARS) : text,
    ...(cut ? { textTruncated: true } : {}),
    outcome: toOperationOutcome(issues),
  };
}

/** The issue of a record whose type and id came earlier with other content (`--on-conflict reject`). */
export function conflictIssue(key: string, location: RecordLocation, resourceType: string): Issue {
  return {
    reason: RejectCode.R5_CONFLICTING_DUPLICATE,
    path: resourceType,
    type: 'duplicate',
    message: `${key} (${formatLocation(location)}) has the same type and id as an earlier record but different content; --on-conflict reject keeps the first`,
  };
}

/** A submitted record the ledger answered `conflict` or `invalid` for. */
export function ledgerRefusalEntry(submitted: BatchItem, item: BatchItemResult): object {
  const reason = item.outcome === 'conflict' ? RejectCode.R5_CONFLICTING_DUPLICATE : RejectCode.R4_SCHEMA;
  const message = `ledger answered ${item.outcome} for ${submitted.key} (${formatLocation(submitted.location)})${item.code === undefined ? '' : `: ${item.code}`}${item.reason === undefined ? '' : ` ${item.reason}`}`;
  return {
    ...submitted.location,
    reason,
    ledgerOutcome: item.outcome,
    text: submitted.text,
    outcome: toOperationOutcome([
      {
        reason,
        path: submitted.key.split('/')[0] ?? '',
        type: item.outcome === 'conflict' ? 'duplicate' : 'invalid',
        message,
      },
    ]),
  };
}
