/**
 * Turns whatever fabric-gateway throws (or a committed-invalid status) into a LedgerError. The phase the call was
 * in decides most of it, because the same gRPC status means different things before and after submission: an
 * unreachable peer at endorsement means nothing happened, at submit or commit-status it means "unknown".
 */
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { parseChaincodeError } from '../common/ehr-contract.js';
import { LedgerError, LedgerErrorCode } from './ledger-error.js';

export type CallPhase = 'evaluate' | 'endorse' | 'submit' | 'commit-status';

/** gRPC status codes (grpc/status.h) the mapping needs. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
/** Fabric transaction validation codes (peer.TxValidationCode). */
export const MVCC_READ_CONFLICT_STATUS = 11;
export const PHANTOM_READ_CONFLICT_STATUS = 12;

export function mapCallError(
  error: unknown,
  phase: CallPhase,
  transaction: string,
  transactionId?: string,
): LedgerError {
  const context = { transaction, transactionId: transactionIdOf(error) ?? transactionId, cause: error };
  const grpcStatus = error instanceof GatewayError ? error.code : undefined;
  const statusContext = grpcStatus === undefined ? context : { ...context, status: grpcStatus };

  if (phase === 'evaluate' || phase === 'endorse') {
    // The chaincode's own refusal: the code is in a peer's error detail, or in the message when there is none.
    for (const message of messagesOf(error)) {
      const parsed = parseChaincodeError(message);
      if (parsed !== undefined) {
        return new LedgerError(
          parsed.code,
          `${transaction} refused by the chaincode: ${parsed.code}: ${parsed.detail}`,
          statusContext,
        );
      }
    }
    if (grpcStatus === GRPC_UNAVAILABLE || grpcStatus === GRPC_DEADLINE_EXCEEDED) {
      return new LedgerError(
        LedgerErrorCode.UNAVAILABLE,
        `${transaction} ${phase} failed: ${describe(error)}`,
        statusContext,
      );
    }
    return new LedgerError(
      LedgerErrorCode.ENDORSE_FAILED,
      `${transaction} ${phase} failed: ${describe(error)}`,
      statusContext,
    );
  }
  if (phase === 'submit') {
    return new LedgerError(
      LedgerErrorCode.SUBMIT_FAILED,
      `${transaction} was endorsed but not accepted for ordering (check its status before retrying): ${describe(error)}`,
      statusContext,
    );
  }
  return new LedgerError(
    LedgerErrorCode.COMMIT_STATUS_UNKNOWN,
    `${transaction} was submitted but its commit status could not be read: ${describe(error)}`,
    statusContext,
  );
}

/** A transaction the peers committed as invalid. */
export function mapInvalidStatus(
  status: number,
  transaction: string,
  transactionId: string,
  cause?: unknown,
): LedgerError {
  const name = Object.entries(StatusCode).find(([, value]) => value === status)?.[0] ?? 'UNKNOWN';
  const code =
    status === MVCC_READ_CONFLICT_STATUS
      ? LedgerErrorCode.MVCC_READ_CONFLICT
      : status === PHANTOM_READ_CONFLICT_STATUS
        ? LedgerErrorCode.PHANTOM_READ_CONFLICT
        : LedgerErrorCode.COMMIT_FAILED;
  return new LedgerError(
    code,
    `${transaction} ${transactionId} failed to commit with status code ${status} (${name})`,
    {
      transaction,
      transactionId,
      status,
      cause,
    },
  );
}

function messagesOf(error: unknown): string[] {
  const messages: string[] = [];
  if (error instanceof GatewayError) messages.push(...error.details.map((detail) => detail.message));
  if (error instanceof Error) messages.push(error.message);
  return messages;
}

function transactionIdOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'transactionId' in error) {
    const { transactionId } = error;
    if (typeof transactionId === 'string') return transactionId;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof GatewayError && error.details.length > 0) {
    const peers = error.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join('; ');
    return `${error.message} [${peers}]`;
  }
  return error instanceof Error ? error.message : String(error);
}
