/**
 * `network up`: on first use writes the crypto (test-network layout), the channel's genesis block and each node's
 * config; then starts every node that is not running, in dependency order (orderer, CA, peer, EHR chaincode
 * server), waits for each to be healthy, defines the EHR chaincode, enrols the migrator identity from the CA and
 * writes the connection profiles. A network that is already running is left as it is.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHAINCODE_NAME } from '../../common/ehr-contract.js';
import { writeOrgCrypto, identityPaths, orgPaths } from '../msp/crypto-layout.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { Supervisor } from '../supervisor.js';
import { defineOnPeer, packageChaincode } from './chaincode-deploy.js';
import { writeConnectionProfiles } from './connection-profiles.js';
import { CA_BOOTSTRAP, devProfile, endpoint, HOST, ORDERER_ORG, PEER_ORG, type DevProfile } from './dev-profile.js';
import { DevnetHome } from './devnet-home.js';
import { enrollMigrator } from './enroll-migrator.js';
import { readDescription, writeDescription, type NetworkDescription, type NodeLaunch } from './network-description.js';
import { NetworkError } from './network-error.js';
import { formatStatus, networkStatus } from './network-status.js';
import { launch } from './node-control.js';
import type { OrdererNodeConfig, PeerNodeConfig } from './node-config.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPO = path.resolve(DIST, '..');
const require = createRequire(import.meta.url);

const EHR_VERSION = '1.0';
/** Fabric's default is 500; the devnet serves load tests of up to 2000 virtual users from one peer. */
const GATEWAY_CONCURRENCY = 10_000;

export interface UpOptions {
  readonly home: string;
  /** Undefined: the offset the network was created with (0 for a new one). */
  readonly portOffset: number | undefined;
}

export async function networkUp(options: UpOptions): Promise<{ text: string; created: boolean }> {
  const home = new DevnetHome(options.home);
  const created = !existsSync(home.networkFile);
  const description = created ? await createNetwork(home, devProfile({ portOffset: options.portOffset ?? 0 })) : readDescription(home);
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
    // The peer needs the orderer; nothing needs the peer to start. The chaincode server waits to be dialled.
    await Promise.all([...named('orderer'), ...named('ca'), ...named('chaincode')].map(startIfStopped));
    await Promise.all(named('peer').map(startIfStopped));
    await defineOnPeer(description, ehr.definition);
  } catch (error) {
    throw new NetworkError('NETWORK_START_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
  }
  await enrollMigrator(home, description);
  writeConnectionProfiles(home, description);
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
  const ordererConfig: OrdererNodeConfig = {
    name: orderer.name,
    mspId: ORDERER_ORG.mspId,
    mspDir: orderer.mspDir,
    tls: { certFile: orderer.tlsCert, keyFile: orderer.tlsKey },
    listen: { host: HOST, port: profile.ports.orderer },
    operations: { host: HOST, port: profile.ports.ordererOperations },
    dataDir: home.nodeData('orderer.example.com'),
    channelId: profile.channelId,
    genesisBlockFile: genesisFile,
  };
  const peerConfig: PeerNodeConfig = {
    name: peer.name,
    mspId: PEER_ORG.mspId,
    mspDir: peer.mspDir,
    tls: { certFile: peer.tlsCert, keyFile: peer.tlsKey },
    listen: { host: HOST, port: profile.ports.peer },
    operations: { host: HOST, port: profile.ports.peerOperations },
    dataDir: home.nodeData('peer0.org1.example.com'),
    channelId: profile.channelId,
    genesisBlockFile: genesisFile,
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

  const nodeEntry = (file: string) => path.join(DIST, 'network', 'node', file);
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
      args: [path.join(DIST, 'network', 'ca', 'ca-main.js'), '--config', home.nodeConfig('ca.org1.example.com')],
      ports: [profile.ports.ca, profile.ports.caOperations],
      endpoints: { https: `https://${endpoint(profile.ports.ca)}`, operations: endpoint(profile.ports.caOperations) },
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
    ehrChaincodeServer(profile),
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

/** The EHR chaincode server; its package id is filled in when the chaincode is defined. */
function ehrChaincodeServer(profile: DevProfile): NodeLaunch {
  return {
    name: 'chaincode-ehr',
    role: 'chaincode',
    command: process.execPath,
    args: [require.resolve('fabric-shim/cli.js'), 'server', '--chaincode-address', endpoint(profile.ports.chaincode)],
    cwd: REPO,
    ports: [profile.ports.chaincode],
    endpoints: { grpc: endpoint(profile.ports.chaincode) },
    readinessUrl: `tcp://${endpoint(profile.ports.chaincode)}`,
  };
}

/** The launches with the EHR chaincode server's command completed by its package id, recorded in network.json. */
function withChaincodeId(home: DevnetHome, description: NetworkDescription, packageId: string): NodeLaunch[] {
  const server = ehrChaincodeServer(devProfile({ portOffset: description.portOffset, channelId: description.channelId }));
  const complete: NodeLaunch = {
    ...server,
    args: [...server.args, '--chaincode-id', packageId, '--module-path', path.join(REPO, 'chaincode')],
  };
  const nodes = description.nodes.map((node) => (node.name === complete.name ? complete : node));
  writeDescription(home, { ...description, nodes });
  return nodes;
}

function writeConfig(file: string, config: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
