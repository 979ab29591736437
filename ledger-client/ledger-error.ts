/**
 * The one error class the ledger client throws. `code` is stable and is what callers branch on; what a caller may
 * do after each code is decided once, in retry.ts (`RETRY_DECISION`).
 */
import { ChaincodeErrorCode } from '../common/ehr-contract.js';

export const LedgerErrorCode = {
  ...ChaincodeErrorCode,
  /** Validation code 11: another transaction changed a key this one read. Retry with a new transaction. */
  MVCC_READ_CONFLICT: 'MVCC_READ_CONFLICT',
  /** Validation code 12: a range this transaction read changed. Retry with a new transaction. */
  PHANTOM_READ_CONFLICT: 'PHANTOM_READ_CONFLICT',
  /** Peer or gateway unreachable, or the endorse/evaluate deadline passed. Nothing reached the ledger. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Endorsement failed for another reason (e.g. policy, chaincode crash) without a CC_ERR_* code. */
  ENDORSE_FAILED: 'ENDORSE_FAILED',
  /** The orderer did not take the endorsed transaction. It may or may not be ordered later: check before retrying. */
  SUBMIT_FAILED: 'SUBMIT_FAILED',
  /** Waiting for the commit status failed or timed out: the transaction's fate is unknown. */
  COMMIT_STATUS_UNKNOWN: 'COMMIT_STATUS_UNKNOWN',
  /** Committed as invalid with any other validation code (endorsement policy failure, bad payload, …). */
  COMMIT_FAILED: 'COMMIT_FAILED',
  /** The chaincode answered with bytes that are not the JSON the wire contract promises. */
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

export interface LedgerErrorContext {
  /** The chaincode transaction name, e.g. CreateRecords. */
  transaction: string;
  transactionId?: string;
  /** Validation code of a committed-invalid transaction, or gRPC status of a failed call. */
  status?: number;
  cause?: unknown;
}

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly transaction: string;
  readonly transactionId: string | undefined;
  readonly status: number | undefined;

  constructor(code: LedgerErrorCode, message: string, context: LedgerErrorContext) {
    super(message, { cause: context.cause });
    this.name = 'LedgerError';
    this.code = code;
    this.transaction = context.transaction;
    this.transactionId = context.transactionId;
    this.status = context.status;
  }
}
