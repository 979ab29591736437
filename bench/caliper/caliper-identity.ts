/**
 * What Caliper needs from a devnet home: the peer's gateway endpoint and TLS root, the channel, the EHR contract and
 * an identity the chaincode lets open, query and transfer — a client enrolled from the devnet's CA with the
 * certificate attribute role=provider, kept in the test-network users folder beside User1 and the migrator so
 * later runs reuse it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CHAINCODE_NAME } from '../../common/ehr-contract.js';
import { identityPaths, orgPaths } from '../../network/msp/crypto-layout.js';
import { CaSession, hasMspFolder, writeMspFolder } from '../../network/node/ca-client.js';
import { CA_BOOTSTRAP, endpoint, PEER_ORG } from '../../network/node/dev-profile.js';
import { DevnetHome } from '../../network/node/devnet-home.js';
import { readDescription } from '../../network/node/network-description.js';
import type { CaliperTarget } from './workspace.js';

export const CALIPER_USER = 'caliper-provider';

/** Reads the devnet's description and enrols the Caliper identity when the home does not have it yet. */
export async function devnetTarget(homeRoot: string): Promise<CaliperTarget> {
  const home = new DevnetHome(homeRoot);
  const description = readDescription(home);
  const mspDir = path.join(home.peerOrgDir, 'users', `${CALIPER_USER}@${PEER_ORG.domain}`, 'msp');
  const certificateFile = path.join(mspDir, 'signcerts', 'cert.pem');
  const privateKeyFile = path.join(mspDir, 'keystore', 'priv_sk');
  if (!hasMspFolder(mspDir)) {
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
      id: CALIPER_USER,
      type: 'client',
      attributes: { role: 'provider' },
    });
    writeMspFolder(mspDir, enrolled, readFileSync(files.caCert, 'utf8'));
  }
  return {
    mspId: PEER_ORG.mspId,
    peerEndpoint: endpoint(description.ports.peer),
    tlsCaCertFile: identityPaths(home.root, PEER_ORG, { node: 'peer0' }).tlsRootCert,
    channel: description.channelId,
    contractId: CHAINCODE_NAME,
    identity: { name: CALIPER_USER, certificateFile, privateKeyFile },
  };
}
