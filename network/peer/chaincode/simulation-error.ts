/**
 * Why the peer refused one request of a running chaincode. The chaincode gets the message in an ERROR reply (and
 * usually throws it to the client), so the messages are Fabric's own wording, without the
 * "<TYPE> failed: transaction ID: <txid>: " prefix that the request dispatcher adds as Fabric's handler does.
 */
export type SimulationErrorCode =
  | 'NO_LEDGER_CONTEXT'
  | 'BAD_REQUEST'
  | 'PAGINATED_QUERY_AFTER_WRITE'
  | 'WRITE_AFTER_PAGINATED_QUERY'
  | 'ITERATOR_NOT_FOUND'
  | 'RICH_QUERY_NOT_SUPPORTED'
  | 'PRIVATE_DATA_NOT_SUPPORTED'
  | 'CHAINCODE_TO_CHAINCODE_NOT_SUPPORTED'
  | 'UNSUPPORTED_REQUEST'
  | 'LEDGER_READ_FAILED';

export class SimulationError extends Error {
  constructor(
    readonly code: SimulationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SimulationError';
  }
}
