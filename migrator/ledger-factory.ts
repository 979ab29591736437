/**
 * The one place `fhirledger migrate` gets its ledger from: a ledger-client session over the connection profile
 * (--connection / FHIRLEDGER_CONNECTION), acting as the profile's `migrator` identity, whose certificate carries the
 * role the chaincode lets batch-create. Without a profile a live run stops with LEDGER_UNAVAILABLE.
 */
import { ConnectionProfileError, LedgerSession, loadConnectionProfile } from '../ledger-client/index.js';
import { LedgerUnavailableError } from './errors.js';
import type { MigrationLedger } from './migration.js';

export const MIGRATOR_IDENTITY = 'migrator';

export interface LedgerConfig {
  /** Connection profile file for the Fabric gateway, when one is configured (--connection / FHIRLEDGER_CONNECTION). */
  connection: string | undefined;
}

export interface OpenLedger {
  ledger: MigrationLedger;
  close: () => void;
}

export function createLedger(config: LedgerConfig): Promise<OpenLedger> {
  if (config.connection === undefined) {
    return Promise.reject(
      new LedgerUnavailableError(
        'no Fabric connection is configured: give --connection FILE (or FHIRLEDGER_CONNECTION), or use --dry-run to validate and clean without loading',
      ),
    );
  }
  try {
    const session = new LedgerSession(loadConnectionProfile(config.connection));
    const ledger = session.ledgerForNamed(MIGRATOR_IDENTITY);
    return Promise.resolve({
      ledger,
      close: () => {
        session.close();
      },
    });
  } catch (error) {
    if (error instanceof ConnectionProfileError) {
      return Promise.reject(new LedgerUnavailableError(error.message, { cause: error }));
    }
    throw error;
  }
}
