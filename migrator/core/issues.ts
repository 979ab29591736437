/**
 * What went wrong with one record and what was fixed: the vocabulary shared by the pipeline, the dead letter and
 * the report. A rejected record's issues become a FHIR OperationOutcome with one issue per problem.
 */
import type { FixCode, RejectCode } from '../../common/migration-codes.js';
import { operationOutcome, type IssueType, type OperationOutcome } from '../../common/operation-outcome.js';

export type { IssueType };

export interface Issue {
  reason: RejectCode;
  /** FHIRPath-ish location, e.g. `Patient.name[0].family`. */
  path: string;
  message: string;
  type: IssueType;
}

export interface Fix {
  code: FixCode;
  path: string;
  before?: unknown;
  after?: unknown;
}

export function toOperationOutcome(issues: readonly Issue[]): OperationOutcome {
  // A record that did not parse has no element to point at (path ''): no expression then.
  return operationOutcome(
    issues.map((issue) => ({ code: issue.type, diagnostics: issue.message, expression: issue.path })),
  );
}

/** The most specific reason wins when one record has several problems. */
const REASON_PRIORITY: readonly RejectCode[] = ['R6', 'R1', 'R2', 'R3', 'R8', 'R7', 'R5', 'R4'];

export function primaryReason(issues: readonly Issue[]): RejectCode {
  let best: RejectCode = 'R4';
  let bestRank = REASON_PRIORITY.length;
  for (const issue of issues) {
    const rank = REASON_PRIORITY.indexOf(issue.reason);
    if (rank < bestRank) {
      best = issue.reason;
      bestRank = rank;
    }
  }
  return best;
}
