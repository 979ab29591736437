/**
 * The one ledger factory: every program that reaches a real ledger (the gateway, the migrator) opens its session
 * here, from the connection profile it was configured with. Without a usable profile it throws
 * `LedgerUnavailableError` (`LEDGER_UNAVAILABLE`), which every command reports as a configuration error (exit 2);
 * nothing ever falls back to a fake.
 */
import { ConnectionProfileError, loadConnectionProfile } from './connection-profile.js';
import type { FabricEhrLedger } from './fabric-ehr-ledger.js';
import { LedgerSession } from './ledger-session.js';

export class LedgerUnavailableError extends Error {
  readonly code = 'LEDGER_UNAVAILABLE';
  override readonly name = 'LedgerUnavailableError';
}

/**
 * Opens a session over the profile at `profileFile`. `howToConfigure` completes the message when none is given,
 * e.g. 'set --connection-profile or FHIRLEDGER_GATEWAY_CONNECTION_PROFILE'.
 */
export function openLedgerSession(profileFile: string | undefined, howToConfigure: string): LedgerSession {
  if (profileFile === undefined) {
    throw new LedgerUnavailableError(`no Fabric connection profile configured (${howToConfigure})`);
  }
  return asUnavailable(() => new LedgerSession(loadConnectionProfile(profileFile)));
}

/** The ledger of an identity the profile names (e.g. `migrator`); a missing identity is a configuration error. */
export function ledgerForNamedIdentity(session: LedgerSession, name: string): FabricEhrLedger {
  return asUnavailable(() => session.ledgerForNamed(name));
}

function asUnavailable<T>(open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof ConnectionProfileError)
      throw new LedgerUnavailableError(error.message, { cause: error });
    throw error;
  }
}
