/**
 * The one place the gateway's real ledger is built: a ledger-client session over the Fabric connection profile,
 * giving each user the ledger as seen by their own Fabric identity (named in the credentials store). Without a
 * profile the gateway refuses to start rather than fall back to anything fake.
 */
import { ConnectionProfileError, LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.LEDGER_UNAVAILABLE, message, { cause: options?.cause });
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
  let session: LedgerSession;
  try {
    session = new LedgerSession(loadConnectionProfile(config.connectionProfile));
  } catch (error) {
    if (error instanceof ConnectionProfileError)
      return Promise.reject(new LedgerFactoryError(error.message, { cause: error }));
    throw error;
  }
  return Promise.resolve({
    ledgerForUser: (user) => session.ledgerFor(user.fabricIdentity),
    probe: () => session.probe(),
    close: () => {
      session.close();
      return Promise.resolve();
    },
  });
}
