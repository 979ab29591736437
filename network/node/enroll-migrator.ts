/**
 * The identity `fhirledger migrate` acts as: registered with the devnet CA as `migrator` with the certificate
 * attribute role=migrator (what the EHR chaincode lets batch-create), enrolled once and kept in the test-network
 * users folder.
 */
import { readFileSync } from 'node:fs';
import { orgPaths } from '../msp/crypto-layout.js';
import { CaSession, hasMspFolder, writeMspFolder } from './ca-client.js';
import type { DevnetHome } from './devnet-home.js';
import { CA_BOOTSTRAP, endpoint, PEER_ORG } from './dev-profile.js';
import type { NetworkDescription } from './network-description.js';

export const MIGRATOR_ID = 'migrator';

export function migratorMspDir(home: DevnetHome): string {
  return `${home.peerOrgDir}/users/${MIGRATOR_ID}@${PEER_ORG.domain}/msp`;
}

export async function enrollMigrator(home: DevnetHome, description: NetworkDescription): Promise<void> {
  const mspDir = migratorMspDir(home);
  if (hasMspFolder(mspDir)) return;
  const files = orgPaths(home.root, PEER_ORG);
  const ca = new CaSession(
    {
      url: `https://${endpoint(description.ports.ca)}`,
      caName: 'ca-org1',
      tlsRootCertPem: readFileSync(files.tlsCaCert, 'utf8'),
      mspId: PEER_ORG.mspId,
    },
    CA_BOOTSTRAP,
  );
  const enrolled = await ca.registerAndEnroll({
    id: MIGRATOR_ID,
    type: 'client',
    attributes: { role: 'migrator' },
  });
  writeMspFolder(mspDir, enrolled, readFileSync(files.caCert, 'utf8'));
}
