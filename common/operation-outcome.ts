/**
 * The one OperationOutcome module (Medplum's `outcomes.ts` habit): the R4 type from `fhir/r4`, the issue-type codes,
 * and the builders every folder uses — the gateway for HTTP errors, the migrator for dead-letter entries. How an
 * outcome becomes an HTTP status stays with the gateway (failure.ts), the one program that speaks HTTP.
 */
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

export type { OperationOutcome, OperationOutcomeIssue };

/** FHIR R4 ValueSet issue-type, the codes `OperationOutcome.issue.code` may take. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'unknown'
  | 'expired'
  | 'forbidden'
  | 'suppressed'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'no-store'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'throttled'
  | 'informational';

/** The coding system of fhirledger's own error codes in `issue.details.coding`. */
export const ERROR_CODE_SYSTEM = 'urn:fhirledger:error-code';

export interface ErrorIssue {
  code: IssueType;
  diagnostics: string;
  /** FHIRPath of the element at fault; none for a record that did not parse. */
  expression?: string;
  /** A fhirledger error code (e.g. `GW_INVALID_JSON`, `CC_ERR_NOT_FOUND`), carried in `details.coding`. */
  errorCode?: string;
}

export function errorIssue(issue: ErrorIssue): OperationOutcomeIssue {
  return {
    severity: 'error',
    code: issue.code,
    ...(issue.errorCode === undefined
      ? {}
      : { details: { coding: [{ system: ERROR_CODE_SYSTEM, code: issue.errorCode }] } }),
    diagnostics: issue.diagnostics,
    ...(issue.expression === undefined || issue.expression === '' ? {} : { expression: [issue.expression] }),
  };
}

export function operationOutcome(issues: readonly ErrorIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.map(errorIssue) };
}
