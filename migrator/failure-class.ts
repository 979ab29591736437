/**
 * How a failed ledger call is retried, decided by its failure class: transient failures (peer unavailable, deadline
 * exceeded, MVCC read conflict) retry with bounded exponential backoff; permanent ones (chaincode contract or
 * validation errors, anything not known to be transient) never retry.
 */
import { LedgerError } from '../ledger-client/ledger-error.js';
import { parseChaincodeError } from '../common/ehr-contract.js';

export type FailureClass = 'transient' | 'permanent';

export interface ErrorClassifier {
  classify(error: unknown): FailureClass;
}

// gRPC status codes: 4 DEADLINE_EXCEEDED, 10 ABORTED, 14 UNAVAILABLE.
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([4, 10, 14]);
const TRANSIENT_TEXT =
  /MVCC_READ_CONFLICT|PHANTOM_READ_CONFLICT|UNAVAILABLE|DEADLINE_EXCEEDED|ETIMEDOUT|ECONNRESET|ECONNREFUSED|timed? ?out/i;

/**
 * ledger-client LedgerError codes after which re-sending the same batch is right. CreateRecords is idempotent, so even
 * when the outcome is unknown (the orderer or the commit status did not answer) sending the batch again cannot write
 * anything twice: items already committed come back "unchanged".
 */
const RESENDABLE_LEDGER_CODES: ReadonlySet<string> = new Set([
  'UNAVAILABLE',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'SUBMIT_FAILED',
  'COMMIT_STATUS_UNKNOWN',
]);

export const defaultErrorClassifier: ErrorClassifier = {
  classify(error) {
    if (error instanceof LedgerError)
      return RESENDABLE_LEDGER_CODES.has(error.code) ? 'transient' : 'permanent';
    const message = error instanceof Error ? error.message : String(error);
    if (parseChaincodeError(message) !== undefined) return 'permanent';
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code)) return 'transient';
    if (typeof code === 'string' && TRANSIENT_TEXT.test(code)) return 'transient';
    return TRANSIENT_TEXT.test(message) ? 'transient' : 'permanent';
  },
};

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

/** Full-jitter exponential backoff: attempt 1 waits up to base, attempt 2 up to 2×base, … capped. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}
