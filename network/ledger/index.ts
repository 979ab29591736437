/**
 * The peer ledger's public surface. Everything else in this folder is internal to the ledger (state encoding,
 * the validation steps) or test-only (*.fake.ts).
 */
export { openChannelLedger, LevelChannelLedger } from './channel-ledger.js';
export { LedgerError, type LedgerErrorCode } from './ledger-error.js';
export { computeTxId } from '../protocol/proposal.js';
export { TRANSACTIONS_FILTER_INDEX } from './transactions-filter.js';
/** For a simulator that records large ranges as Fabric does (merkle summary instead of raw reads). */
export { RangeResultsHasher } from './range-merkle.js';
export type { MerkleSummary } from './rwset.js';
export type {
  BlockStore,
  ChannelLedger,
  CommitPolicies,
  CommittedBlock,
  CommittedTransaction,
  HistoryEntry,
  KeyVersion,
  StateEntry,
  StateReader,
  TxValidationCodeValue,
  VersionedValue,
} from './types.js';
export { TxValidationCode } from './types.js';
