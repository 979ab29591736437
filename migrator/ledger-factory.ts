/**
 * The one place `fhirledger migrate` gets its ledger from. The Fabric EhrLedger adapter lives in another folder and
 * is wired in here when it exists; until then every live run stops with LEDGER_UNAVAILABLE instead of pretending.
 */
import { LedgerUnavailableError } from './errors.js';
import type { MigrationLedger } from './migration.js';

export interface LedgerConfig {
  /** Connection settings file for the Fabric gateway, when one is configured (--connection / FHIRLEDGER_CONNECTION). */
  connection: string | undefined;
}

export function createLedger(config: LedgerConfig): Promise<MigrationLedger> {
  const given = config.connection === undefined ? '' : ` (--connection ${config.connection} was given)`;
  return Promise.reject(
    new LedgerUnavailableError(
      `no Fabric connection is configured: the Fabric EhrLedger adapter is not wired into fhirledger migrate yet${given}; use --dry-run to validate and clean without loading`,
    ),
  );
}
