/**
 * The two connection profiles `network up` writes: Fabric's common connection profile (`connection-org1.json`,
 * where and how the test network writes it, for Fabric tooling and samples) and fhirledger's own profile (channel,
 * chaincode, peer and the migrator identity) that `migrate` and `gateway` read through ledger-client.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAINCODE_NAME } from '../../common/ehr-contract.js';
import { identityPaths, orgPaths } from '../msp/crypto-layout.js';
import type { DevnetHome } from './devnet-home.js';
import { endpoint, PEER_ORG } from './dev-profile.js';
import { migratorMspDir } from './enroll-migrator.js';
import type { NetworkDescription } from './network-description.js';

export function writeConnectionProfiles(home: DevnetHome, description: NetworkDescription): void {
  const peer = identityPaths(home.root, PEER_ORG, { node: 'peer0' });
  const files = orgPaths(home.root, PEER_ORG);
  const peerTlsPem = readFileSync(peer.tlsRootCert, 'utf8');
  const caTlsPem = readFileSync(files.tlsCaCert, 'utf8');
  const common = {
    name: 'fabric-devnet-org1',
    version: '1.0.0',
    client: { organization: 'Org1', connection: { timeout: { peer: { endorser: '300' } } } },
    organizations: {
      Org1: { mspid: PEER_ORG.mspId, peers: [peer.name], certificateAuthorities: ['ca.org1.example.com'] },
    },
    peers: {
      [peer.name]: {
        url: `grpcs://${endpoint(description.ports.peer)}`,
        tlsCACerts: { pem: peerTlsPem },
        grpcOptions: { 'ssl-target-name-override': peer.name, hostnameOverride: peer.name },
      },
    },
    certificateAuthorities: {
      'ca.org1.example.com': {
        url: `https://${endpoint(description.ports.ca)}`,
        caName: 'ca-org1',
        tlsCACerts: { pem: [caTlsPem] },
        httpOptions: { verify: false },
      },
    },
  };
  writeFileSync(home.commonConnectionProfile, `${JSON.stringify(common, null, 2)}\n`);

  const relative = (file: string) => path.relative(path.dirname(home.fhirledgerProfile), file);
  const migrator = migratorMspDir(home);
  const fhirledger = {
    channel: description.channelId,
    chaincode: CHAINCODE_NAME,
    peers: [
      {
        address: endpoint(description.ports.peer),
        tlsRootCertFile: relative(peer.tlsRootCert),
        hostAlias: peer.name,
      },
    ],
    identities: {
      migrator: {
        mspId: PEER_ORG.mspId,
        certificateFile: relative(path.join(migrator, 'signcerts', 'cert.pem')),
        privateKeyFile: relative(path.join(migrator, 'keystore', 'priv_sk')),
      },
    },
  };
  writeFileSync(home.fhirledgerProfile, `${JSON.stringify(fhirledger, null, 2)}\n`);
}
