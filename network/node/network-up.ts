/**
 * `network up`: on first use writes the crypto (test-network layout), the channel's genesis block and each node's
 * config; then starts every node that is not running, in dependency order (orderer, CA, peer, EHR chaincode
 * server), waits for each to be healthy, defines the EHR chaincode, enrols the migrator identity from the CA and
 * writes the connection profiles. A network that is already running is left as it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAINCODE_NAME } from '../../common/ehr-contract.js';
import { writeOrgCrypto, identityPaths, orgPaths } from '../msp/crypto-layout.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { Supervisor } from '../supervisor.js';
import { defineOnPeers, packageChaincode } from './chaincode-deploy.js';
import { writeConnectionProfiles } from './connection-profiles.js';
import {
  CA_ENTRY,
  ehrChaincodeServer,
  GATEWAY_CONCURRENCY,
  nodeEntry,
  withPackageId,
  writeConfig,
} from './node-files.js';
import { createPaperNetwork } from './paper-network.js';
import { writePaperConnectionProfiles } from './paper-connection-profiles.js';
import { paperProfile } from './paper-profile.js';
import {
  CA_BOOTSTRAP,
  devProfile,
  endpoint,
  HOST,
  ORDERER_ORG,
  PEER_ORG,
  type DevProfile,
} from './dev-profile.js';
import { DevnetHome, type NodeName } from './devnet-home.js';
import { enrollMigrator } from './enroll-migrator.js';
import {
  readDescription,
  writeDescription,
  type NetworkDescription,
  type NodeLaunch,
} from './network-description.js';
import { NetworkError } from './network-error.js';
import { formatStatus, networkStatus } from './network-status.js';
import { launch } from './node-control.js';
import type { FabricNodeConfig, OrdererNodeConfig, PeerNodeConfig } from './node-config.js';

const EHR_VERSION = '1.0';

export type ProfileName = 'dev' | 'paper';

export interface UpOptions {
  readonly home: string;
  /** Undefined: the offset the network was created with (0 for a new one). */
  readonly portOffset: number | undefined;
  /** Undefined: the profile the network was created with (dev for a new one). */
  readonly profile?: ProfileName;
}

export async function networkUp(options: UpOptions): Promise<{ text: string; created: boolean }> {
  const home = new DevnetHome(options.home);
  const created = !existsSync(home.networkFile);
  if (options.profile === 'paper') requireEtcd();
  const description = created
    ? options.profile === 'paper'
      ? await createPaperNetwork(home, paperProfile({ portOffset: options.portOffset ?? 0 }))
      : await createNetwork(home, devProfile({ portOffset: options.portOffset ?? 0 }))
    : readDescription(home);
  if (options.profile !== undefined && options.profile !== description.profile) {
    throw new NetworkError(
      'NETWORK_PROFILE_MISMATCH',
      `the network in ${home.root} was created with --profile ${description.profile}; run "network down --purge" to recreate it as ${options.profile}`,
    );
  }
  if (options.portOffset !== undefined && options.portOffset !== description.portOffset) {
    throw new NetworkError(
      'NETWORK_PROFILE_MISMATCH',
      `the network in ${home.root} was created with --port-offset ${description.portOffset}; run "network down --purge" to recreate it with ${options.portOffset}`,
    );
  }
  const supervisor = new Supervisor(home);
  const startIfStopped = async (node: NodeLaunch) => {
    if (!supervisor.isRunning(node.name)) await launch(supervisor, node);
  };
  const ehr = await packageChaincode(home, {
    name: CHAINCODE_NAME,
    address: endpoint(description.ports.chaincode),
    version: EHR_VERSION,
    policy: undefined,
  });
  const nodes = withChaincodeId(home, description, ehr.definition.packageId);
  const named = (role: NodeLaunch['role']) => nodes.filter((node) => node.role === role);
  try {
    // Raft members first (they elect a leader together), then orderers; the peer needs an orderer; nothing needs
    // the peer to start. The chaincode server waits to be dialled.
    await Promise.all(named('raft').map(startIfStopped));
    await Promise.all([...named('orderer'), ...named('ca'), ...named('chaincode')].map(startIfStopped));
    await Promise.all(named('peer').map(startIfStopped));
    await defineOnPeers(description, ehr.definition);
  } catch (error) {
    throw new NetworkError('NETWORK_START_FAILED', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  await enrollMigrator(home, description);
  if (description.profile === 'paper') writePaperConnectionProfiles(home, description);
  else writeConnectionProfiles(home, description);
  return { text: formatStatus(await networkStatus(home.root)), created };
}

async function createNetwork(home: DevnetHome, profile: DevProfile): Promise<NetworkDescription> {
  mkdirSync(home.root, { recursive: true });
  const [ordererCrypto, peerCrypto] = await Promise.all([
    writeOrgCrypto(home.root, ORDERER_ORG),
    writeOrgCrypto(home.root, PEER_ORG),
  ]);
  const ordererAddress = endpoint(profile.ports.orderer);
  const genesis = buildGenesisBlock({
    channelId: profile.channelId,
    orgs: [
      {
        mspId: PEER_ORG.mspId,
        rootCertsPem: [peerCrypto.caCertPem],
        tlsRootCertsPem: [peerCrypto.tlsCaCertPem],
        anchorPeers: [{ host: HOST, port: profile.ports.peer }],
      },
    ],
    ordererOrgs: [
      {
        mspId: ORDERER_ORG.mspId,
        rootCertsPem: [ordererCrypto.caCertPem],
        tlsRootCertsPem: [ordererCrypto.tlsCaCertPem],
        ordererEndpoints: [ordererAddress],
      },
    ],
    ordererAddresses: [ordererAddress],
    consenters: [],
  });
  const genesisFile = home.channelBlock(profile.channelId);
  mkdirSync(path.dirname(genesisFile), { recursive: true });
  writeFileSync(genesisFile, genesis.bytes);

  const orderer = identityPaths(home.root, ORDERER_ORG, { node: 'orderer' });
  const peer = identityPaths(home.root, PEER_ORG, { node: 'peer0' });
  const peerOrgFiles = orgPaths(home.root, PEER_ORG);
  const fabricNode = (
    identity: typeof orderer,
    mspId: string,
    ports: { listen: number; operations: number },
    data: NodeName,
  ): FabricNodeConfig => ({
    name: identity.name,
    mspId,
    mspDir: identity.mspDir,
    tls: { certFile: identity.tlsCert, keyFile: identity.tlsKey },
    listen: { host: HOST, port: ports.listen },
    operations: { host: HOST, port: ports.operations },
    dataDir: home.nodeData(data),
    channelId: profile.channelId,
    genesisBlockFile: genesisFile,
  });
  const ordererConfig: OrdererNodeConfig = fabricNode(
    orderer,
    ORDERER_ORG.mspId,
    { listen: profile.ports.orderer, operations: profile.ports.ordererOperations },
    'orderer.example.com',
  );
  const peerConfig: PeerNodeConfig = {
    ...fabricNode(
      peer,
      PEER_ORG.mspId,
      { listen: profile.ports.peer, operations: profile.ports.peerOperations },
      'peer0.org1.example.com',
    ),
    orderer: {
      address: ordererAddress,
      mspId: ORDERER_ORG.mspId,
      tlsRootCertFile: orderer.tlsRootCert,
      hostAlias: orderer.name,
    },
    gatewayConcurrency: GATEWAY_CONCURRENCY,
  };
  const caConfig = {
    caName: profile.caName,
    host: HOST,
    port: profile.ports.ca,
    operationsPort: profile.ports.caOperations,
    home: home.nodeData('ca.org1.example.com'),
    caCertFile: peerOrgFiles.caCert,
    caKeyFile: peerOrgFiles.caKey,
    tls: { certFile: peerOrgFiles.caServerTlsCert, keyFile: peerOrgFiles.caServerTlsKey },
    bootstrapAdmin: CA_BOOTSTRAP,
  };
  writeConfig(home.nodeConfig('orderer.example.com'), ordererConfig);
  writeConfig(home.nodeConfig('peer0.org1.example.com'), peerConfig);
  writeConfig(home.nodeConfig('ca.org1.example.com'), caConfig);

  const nodes: NodeLaunch[] = [
    {
      name: 'orderer.example.com',
      role: 'orderer',
      command: process.execPath,
      args: [nodeEntry('orderer-main.js'), '--config', home.nodeConfig('orderer.example.com')],
      ports: [profile.ports.orderer, profile.ports.ordererOperations],
      endpoints: { grpc: ordererAddress, operations: endpoint(profile.ports.ordererOperations) },
      readinessUrl: `http://${endpoint(profile.ports.ordererOperations)}/healthz`,
    },
    {
      name: 'ca.org1.example.com',
      role: 'ca',
      command: process.execPath,
      args: [CA_ENTRY, '--config', home.nodeConfig('ca.org1.example.com')],
      ports: [profile.ports.ca, profile.ports.caOperations],
      endpoints: {
        https: `https://${endpoint(profile.ports.ca)}`,
        operations: endpoint(profile.ports.caOperations),
      },
      readinessUrl: `http://${endpoint(profile.ports.caOperations)}/healthz`,
    },
    {
      name: 'peer0.org1.example.com',
      role: 'peer',
      command: process.execPath,
      args: [nodeEntry('peer-main.js'), '--config', home.nodeConfig('peer0.org1.example.com')],
      ports: [profile.ports.peer, profile.ports.peerOperations],
      endpoints: { grpc: endpoint(profile.ports.peer), operations: endpoint(profile.ports.peerOperations) },
      readinessUrl: `http://${endpoint(profile.ports.peerOperations)}/healthz`,
    },
    ehrChaincodeServer(profile.ports.chaincode),
  ];
  const description: NetworkDescription = {
    profile: 'dev',
    portOffset: profile.ports.peer - 7051,
    channelId: profile.channelId,
    ports: profile.ports,
    nodes,
  };
  writeDescription(home, description);
  return description;
}

/** The launches with the EHR chaincode server's command completed by its package id, recorded in network.json. */
function withChaincodeId(home: DevnetHome, description: NetworkDescription, packageId: string): NodeLaunch[] {
  const nodes = description.nodes.map((node) =>
    node.role === 'chaincode' ? withPackageId(node, packageId) : node,
  );
  writeDescription(home, { ...description, nodes });
  return nodes;
}

/** The paper profile's Raft is etcd-server's: say how to get it rather than fail at the first spawn. */
function requireEtcd(): void {
  if (spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new NetworkError(
      'NETWORK_START_FAILED',
      'the paper profile needs etcd (Debian package etcd-server) on PATH for its Raft cluster: run scripts/ensure-etcd.sh',
    );
  }
}
