/**
 * Failures of the ledger itself (not of a transaction: those become a TxValidationCode in the block). A peer that
 * meets one of these must stop committing on the channel, as Fabric's committer panics on a ledger error.
 */
export type LedgerErrorCode =
  | 'LEDGER_BAD_BLOCK'
  | 'LEDGER_OUT_OF_ORDER'
  | 'LEDGER_STATE_AHEAD'
  | 'LEDGER_MISSING_BLOCK'
  | 'LEDGER_BAD_RECORD'
  | 'LEDGER_CLOSED'
  | 'LEDGER_WRITE_FAILED';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LedgerError';
  }
}
