/**
 * Failures of the peer↔chaincode conversation itself, as opposed to a chaincode's own error response (that is a
 * status 500 ChaincodeResult). They extend the seam's ChaincodeUnavailableError so the endorser catches one class;
 * `code` tells them apart. Texts follow Fabric's where Fabric has one (chaincode_support.go, handler.go).
 */
import { ChaincodeUnavailableError } from '../chaincode-types.js';

export type ChaincodeShimErrorCode =
  /** connect/execute for a chaincode never connected with connect(). */
  | 'NOT_CONNECTED'
  /** the runtime was closed. */
  | 'CLOSED'
  /** no gRPC connection to the chaincode server within the dial timeout (or refused at once). */
  | 'UNREACHABLE'
  /** connected, but REGISTER did not come, came malformed, or named another package id. */
  | 'HANDSHAKE_FAILED'
  /** the stream broke while the transaction was running (Fabric: "chaincode stream terminated"). */
  | 'STREAM_TERMINATED'
  /** the chaincode sent a message Fabric's handler does not accept in the ready state; the stream is ended. */
  | 'PROTOCOL_VIOLATION'
  /** no COMPLETED/ERROR within the invocation's timeout (Fabric: "timeout expired while executing transaction"). */
  | 'EXECUTION_TIMEOUT'
  /** the same (channel, txid) is already executing on this chaincode. */
  | 'DUPLICATE_TXID'
  /** COMPLETED whose payload is not a peer.Response (Fabric: "failed to unmarshal response for transaction"). */
  | 'BAD_COMPLETION';

export class ChaincodeShimError extends ChaincodeUnavailableError {
  readonly txId: string | undefined;

  constructor(
    readonly code: ChaincodeShimErrorCode,
    chaincodeName: string,
    message: string,
    options?: { cause?: unknown; txId?: string },
  ) {
    super(chaincodeName, message, options);
    this.name = 'ChaincodeShimError';
    this.txId = options?.txId;
  }
}
