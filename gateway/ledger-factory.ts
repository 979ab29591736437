/**
 * The one place the gateway's real ledger is built. The Fabric implementation of EhrLedger is being written in
 * ledger-client/; until it is wired here this factory refuses to start rather than fall back to anything fake.
 */
import { GatewayErrorCode, LedgerUnavailableError } from './failure.js';
import type { LedgerForUser } from './ledger-access.js';

export interface LedgerFactoryConfig {
  /** Path of the Fabric connection profile (peer endpoints, TLS roots); undefined when not configured. */
  connectionProfile: string | undefined;
}

export interface LedgerConnection {
  ledgerForUser: LedgerForUser;
  /** Resolves when the ledger answers; used by /readyz. */
  probe: () => Promise<void>;
  close: () => Promise<void>;
}

/** Thrown when no real ledger can be built; the CLI turns it into exit code 2. */
export class LedgerFactoryError extends LedgerUnavailableError {
  override name = 'LedgerFactoryError';
  constructor(message: string) {
    super(GatewayErrorCode.LEDGER_UNAVAILABLE, message);
  }
}

export function createLedgerConnection(config: LedgerFactoryConfig): Promise<LedgerConnection> {
  if (config.connectionProfile === undefined) {
    return Promise.reject(
      new LedgerFactoryError(
        'no Fabric connection profile configured (set --connection-profile or FHIRLEDGER_GATEWAY_CONNECTION_PROFILE)',
      ),
    );
  }
  return Promise.reject(
    new LedgerFactoryError(
      `the ledger-client factory is not wired yet: cannot connect to the Fabric network in ${config.connectionProfile}`,
    ),
  );
}
