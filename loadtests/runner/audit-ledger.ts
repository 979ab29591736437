/**
 * Opens the ledger the acknowledged-write audit reads from: the connection profile's peer, as one user of the
 * gateway's credentials store (their own certificate and key), so the audit needs no gateway and no password.
 */
import type { EhrLedger } from '../../common/ehr-contract.js';
import { readStoreFile } from '../../gateway/credential-store.js';
import { openLedgerSession } from '../../ledger-client/index.js';
import { LoadError } from './load-error.js';

export interface AuditLedgerAccess {
  /** fhirledger connection profile of the network behind the gateway. */
  connectionProfile: string;
  /** The gateway's credentials store; names each user's Fabric identity files. */
  credentialsStore: string;
  /** Who reads: a user the chaincode lets read every record (a provider). */
  user: string;
}

export async function openAuditLedger(
  access: AuditLedgerAccess,
): Promise<{ ledger: Pick<EhrLedger, 'readRecord'>; close: () => void }> {
  const store = await readStoreFile(access.credentialsStore);
  const principal = store.principals.find((entry) => entry.id === access.user);
  if (principal === undefined) {
    throw new LoadError(
      'LOAD_AUDIT_NO_IDENTITY',
      `the credentials store ${access.credentialsStore} has no user "${access.user}" to read the ledger as`,
    );
  }
  const session = openLedgerSession(access.connectionProfile, 'give --connection-profile');
  return {
    ledger: session.ledgerFor(principal.fabricIdentity),
    close: () => {
      session.close();
    },
  };
}
