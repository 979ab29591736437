/**
 * The paper network's connection profiles: one Fabric common connection profile per org (`connection-orgN.json`
 * in the org's folder, listing that org's two peers and its CA, as the test network writes them), and fhirledger's
 * own profile for Org1 (providers), whose migrator identity `migrate` loads through.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAINCODE_NAME } from '../../common/ehr-contract.js';
import { identityPaths, orgPaths } from '../msp/crypto-layout.js';
import { endpoint } from './dev-profile.js';
import type { DevnetHome } from './devnet-home.js';
import { migratorMspDir } from './enroll-migrator.js';
import type { NetworkDescription } from './network-description.js';
import { paperProfile, type PaperOrg } from './paper-profile.js';

export function writePaperConnectionProfiles(home: DevnetHome, description: NetworkDescription): void {
  const profile = paperProfile({ portOffset: description.portOffset, channelId: description.channelId });
  profile.orgs.forEach((org, index) => {
    writeFileSync(
      home.orgConnectionProfile(index + 1),
      `${JSON.stringify(commonProfile(home, org), null, 2)}\n`,
    );
  });
  const org1 = profile.orgs[0];
  if (org1 === undefined) throw new Error('paper profile has no Org1');
  const relative = (file: string) => path.relative(path.dirname(home.fhirledgerProfile), file);
  const migrator = migratorMspDir(home);
  const fhirledger = {
    channel: description.channelId,
    chaincode: CHAINCODE_NAME,
    peers: org1.peers.map((peer) => ({
      address: endpoint(peer.port),
      tlsRootCertFile: relative(identityPaths(home.root, org1.spec, { node: peer.node }).tlsRootCert),
      hostAlias: peer.host,
    })),
    identities: {
      migrator: {
        mspId: org1.spec.mspId,
        certificateFile: relative(path.join(migrator, 'signcerts', 'cert.pem')),
        privateKeyFile: relative(path.join(migrator, 'keystore', 'priv_sk')),
      },
    },
  };
  writeFileSync(home.fhirledgerProfile, `${JSON.stringify(fhirledger, null, 2)}\n`);
}

function commonProfile(home: DevnetHome, org: PaperOrg): unknown {
  const files = orgPaths(home.root, org.spec);
  const tlsCaPem = readFileSync(files.tlsCaCert, 'utf8');
  return {
    name: `fabric-devnet-paper-${org.name.toLowerCase()}`,
    version: '1.0.0',
    client: { organization: org.name, connection: { timeout: { peer: { endorser: '300' } } } },
    organizations: {
      [org.name]: {
        mspid: org.spec.mspId,
        peers: org.peers.map((peer) => peer.host),
        certificateAuthorities: [org.ca.host],
      },
    },
    peers: Object.fromEntries(
      org.peers.map((peer) => [
        peer.host,
        {
          url: `grpcs://${endpoint(peer.port)}`,
          tlsCACerts: { pem: tlsCaPem },
          grpcOptions: { 'ssl-target-name-override': peer.host, hostnameOverride: peer.host },
        },
      ]),
    ),
    certificateAuthorities: {
      [org.ca.host]: {
        url: `https://${endpoint(org.ca.port)}`,
        caName: org.ca.name,
        tlsCACerts: { pem: [tlsCaPem] },
        httpOptions: { verify: false },
      },
    },
  };
}
