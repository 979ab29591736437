/** The ledger client's public surface, for the gateway and the migrator. */
export { FabricEhrLedger, type LedgerContract } from './fabric-ehr-ledger.js';
export { LedgerError, LedgerErrorCode } from './ledger-error.js';
export {
  DEFAULT_LEDGER_RETRY,
  RETRY_DECISION,
  backoffDelay,
  isLedgerErrorCode,
  ledgerErrorCodeOf,
  mayRetry,
  type RetryDecision,
  type RetryPolicy,
} from './retry.js';
export {
  DEFAULT_DEADLINES_MS,
  PeerClients,
  connectIdentity,
  ehrContract,
  newGrpcClient,
  type CallDeadlinesMs,
  type PeerEndpoint,
  type UserCredentials,
} from './connection.js';
export {
  loadConnectionProfile,
  parseConnectionProfile,
  readIdentityCredentials,
  ConnectionProfileError,
  type ConnectionProfile,
  type ProfileIdentity,
} from './connection-profile.js';
export { LedgerSession } from './ledger-session.js';
export { LedgerUnavailableError, ledgerForNamedIdentity, openLedgerSession } from './open-session.js';
