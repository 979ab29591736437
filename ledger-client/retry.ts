/**
 * The one retry decision for ledger calls, by `LedgerErrorCode`. The gateway and the migrator both ask here, so a
 * new code cannot be added without the compiler asking what a caller may do after it.
 *
 * - `new-transaction`: nothing was written (unreachable before endorsement, or committed invalid by an MVCC/phantom
 *   read conflict): the same call may be sent again as a new transaction.
 * - `if-idempotent`: the outcome is unknown (the orderer or the commit status did not answer). Only a call that is
 *   safe to repeat may be sent again: CreateRecords is (items already committed come back "unchanged"); a create or
 *   an update with an expected version is not, so its caller reads the state first instead.
 * - `never`: the chaincode refused, or the failure will not go away by trying again.
 */
import { ChaincodeErrorCode } from '../common/ehr-contract.js';
import { LedgerErrorCode } from './ledger-error.js';

export type RetryDecision = 'new-transaction' | 'if-idempotent' | 'never';

const CHAINCODE_REFUSALS = Object.fromEntries(
  Object.values(ChaincodeErrorCode).map((code) => [code, 'never']),
) as Record<ChaincodeErrorCode, 'never'>;

export const RETRY_DECISION: Readonly<Record<LedgerErrorCode, RetryDecision>> = {
  ...CHAINCODE_REFUSALS,
  MVCC_READ_CONFLICT: 'new-transaction',
  PHANTOM_READ_CONFLICT: 'new-transaction',
  UNAVAILABLE: 'new-transaction',
  ENDORSE_FAILED: 'never',
  SUBMIT_FAILED: 'if-idempotent',
  COMMIT_STATUS_UNKNOWN: 'if-idempotent',
  COMMIT_FAILED: 'never',
  BAD_RESPONSE: 'never',
};

export function isLedgerErrorCode(code: unknown): code is LedgerErrorCode {
  return typeof code === 'string' && Object.hasOwn(RETRY_DECISION, code);
}

/** The `code` of any thrown value (a LedgerError, or a test double shaped like one) when it is a ledger code. */
export function ledgerErrorCodeOf(error: unknown): LedgerErrorCode | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return isLedgerErrorCode(error.code) ? error.code : undefined;
}

/**
 * Whether the failed call may be sent again. Anything that is not a ledger error (a bug, a closed session) is never
 * retried: only the client's codes say what reached the ledger.
 */
export function mayRetry(error: unknown, call: { idempotent: boolean }): boolean {
  const code = ledgerErrorCodeOf(error);
  if (code === undefined) return false;
  const decision = RETRY_DECISION[code];
  return decision === 'new-transaction' || (decision === 'if-idempotent' && call.idempotent);
}

/** How many times and how long to wait; `maxDelayMs` caps a single wait. */
export interface RetryPolicy {
  /** Tries in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Five tries over about 15 s at most: long enough for a peer restart or a burst of conflicts, short enough to stop. */
export const DEFAULT_LEDGER_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

/** Full-jitter exponential backoff: the wait after attempt n is random in [0, min(max, base × 2^(n-1))). */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}
