/**
 * Creates a `paper` network in a devnet home: crypto for the orderer org (three orderers) and three peer orgs (two
 * peers each) in the test network's layout, a genesis block with the three orgs, MAJORITY policies and the three
 * etcdraft consenters, every node's config, and network.json with how to launch each of the 13 processes:
 * 3 etcd members (the Raft cluster under the orderers), 3 orderers, 3 CAs, 6 peers and the EHR chaincode server.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { identityPaths, orgPaths, writeOrgCrypto, type IdentityPaths } from '../msp/crypto-layout.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { CA_BOOTSTRAP, endpoint, HOST } from './dev-profile.js';
import type { DevnetHome } from './devnet-home.js';
import { writeDescription, type NetworkDescription, type NodeLaunch } from './network-description.js';
import type { ChannelPeerTarget, OrdererNodeConfig, OrdererTarget, PeerNodeConfig } from './node-config.js';
import { CA_ENTRY, ehrChaincodeServer, GATEWAY_CONCURRENCY, nodeEntry, writeConfig } from './node-files.js';
import { entryPorts, type PaperOrderer, type PaperProfile } from './paper-profile.js';

/** etcd's put limit must hold Fabric's largest envelope (AbsoluteMaxBytes 10 MB) base64-encoded, with room. */
const ETCD_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** etcd keeps every revision of the log (never compacted: a restarted orderer replays from its last block). */
const ETCD_QUOTA_BYTES = 8 * 1024 * 1024 * 1024;

export async function createPaperNetwork(
  home: DevnetHome,
  profile: PaperProfile,
): Promise<NetworkDescription> {
  mkdirSync(home.root, { recursive: true });
  const [ordererCrypto, ...orgCrypto] = await Promise.all([
    writeOrgCrypto(home.root, profile.ordererOrg),
    ...profile.orgs.map((org) => writeOrgCrypto(home.root, org.spec)),
  ]);
  const ordererIdentity = (orderer: PaperOrderer) =>
    identityPaths(home.root, profile.ordererOrg, { node: orderer.node });
  const ordererAddresses = profile.orderers.map((orderer) => endpoint(orderer.port));
  const genesis = buildGenesisBlock({
    channelId: profile.channelId,
    orgs: profile.orgs.map((org, index) => ({
      mspId: org.spec.mspId,
      rootCertsPem: [orgCrypto[index]?.caCertPem ?? ''],
      tlsRootCertsPem: [orgCrypto[index]?.tlsCaCertPem ?? ''],
      anchorPeers: org.peers.slice(0, 1).map((peer) => ({ host: HOST, port: peer.port })),
    })),
    ordererOrgs: [
      {
        mspId: profile.ordererOrg.mspId,
        rootCertsPem: [ordererCrypto.caCertPem],
        tlsRootCertsPem: [ordererCrypto.tlsCaCertPem],
        ordererEndpoints: ordererAddresses,
      },
    ],
    ordererAddresses,
    consenters: profile.orderers.map((orderer) => {
      const tlsCertPem = readFileSync(ordererIdentity(orderer).tlsCert, 'utf8');
      return { host: HOST, port: orderer.port, clientTlsCertPem: tlsCertPem, serverTlsCertPem: tlsCertPem };
    }),
  });
  const genesisFile = home.channelBlock(profile.channelId);
  mkdirSync(path.dirname(genesisFile), { recursive: true });
  writeFileSync(genesisFile, genesis.bytes);

  /** What every orderer and peer config holds: identity, TLS, listeners, data, channel. */
  const nodeBase = (
    name: string,
    mspId: string,
    identity: IdentityPaths,
    port: number,
    operationsPort: number,
  ) => ({
    name,
    mspId,
    mspDir: identity.mspDir,
    tls: { certFile: identity.tlsCert, keyFile: identity.tlsKey },
    listen: { host: HOST, port },
    operations: { host: HOST, port: operationsPort },
    dataDir: home.nodeData(name),
    channelId: profile.channelId,
    genesisBlockFile: genesisFile,
  });
  /** The launch of an orderer or peer process whose config `network up` wrote. */
  const fabricLaunch = (name: string, role: 'orderer' | 'peer', port: number, operationsPort: number) => ({
    name,
    role,
    command: process.execPath,
    args: [nodeEntry(`${role}-main.js`), '--config', home.nodeConfig(name)],
    ports: [port, operationsPort],
    endpoints: { grpc: endpoint(port), operations: endpoint(operationsPort) },
    readinessUrl: `http://${endpoint(operationsPort)}/healthz`,
  });
  const ordererTargets: OrdererTarget[] = profile.orderers.map((orderer) => ({
    address: endpoint(orderer.port),
    mspId: profile.ordererOrg.mspId,
    tlsRootCertFile: ordererIdentity(orderer).tlsRootCert,
    hostAlias: orderer.host,
  }));
  const raftCluster = profile.orderers
    .map((orderer) => `${orderer.raftName}=http://${endpoint(orderer.raftPeerPort)}`)
    .join(',');

  const nodes: NodeLaunch[] = [];
  for (const orderer of profile.orderers) {
    const identity = ordererIdentity(orderer);
    const config: OrdererNodeConfig = {
      ...nodeBase(orderer.host, profile.ordererOrg.mspId, identity, orderer.port, orderer.operationsPort),
      raft: { etcdClientUrl: `http://${endpoint(orderer.raftClientPort)}` },
    };
    writeConfig(home.nodeConfig(orderer.host), config);
    nodes.push(raftMember(home, orderer, raftCluster, profile.channelId));
    const launch = fabricLaunch(orderer.host, 'orderer', orderer.port, orderer.operationsPort);
    nodes.push({
      ...launch,
      endpoints: { ...launch.endpoints, raft: `http://${endpoint(orderer.raftClientPort)}` },
      companions: [orderer.raftName],
    });
  }

  const allPeers: (ChannelPeerTarget & { readonly orgIndex: number })[] = profile.orgs.flatMap(
    (org, orgIndex) =>
      org.peers.map((peer) => ({
        orgIndex,
        address: endpoint(peer.port),
        mspId: org.spec.mspId,
        tlsRootCertFile: identityPaths(home.root, org.spec, { node: peer.node }).tlsRootCert,
        hostAlias: peer.host,
      })),
  );
  let peerIndex = 0;
  for (const [orgIndex, org] of profile.orgs.entries()) {
    const files = orgPaths(home.root, org.spec);
    for (const peer of org.peers) {
      const identity = identityPaths(home.root, org.spec, { node: peer.node });
      // Each peer starts with a different orderer so Deliver and Broadcast load spreads over the three.
      const rotated = [...ordererTargets.slice(peerIndex % 3), ...ordererTargets.slice(0, peerIndex % 3)];
      peerIndex++;
      const config: PeerNodeConfig = {
        ...nodeBase(peer.host, org.spec.mspId, identity, peer.port, peer.operationsPort),
        orderer: rotated[0] ?? ordererTargets[0] ?? missing('orderer'),
        orderers: rotated,
        channelPeers: allPeers
          .filter((other) => other.orgIndex !== orgIndex)
          .map(({ address, mspId, tlsRootCertFile, hostAlias }) => ({
            address,
            mspId,
            tlsRootCertFile,
            hostAlias,
          })),
        gatewayConcurrency: GATEWAY_CONCURRENCY,
      };
      writeConfig(home.nodeConfig(peer.host), config);
      nodes.push(fabricLaunch(peer.host, 'peer', peer.port, peer.operationsPort));
    }
    writeConfig(home.nodeConfig(org.ca.host), {
      caName: org.ca.name,
      host: HOST,
      port: org.ca.port,
      operationsPort: org.ca.operationsPort,
      home: home.nodeData(org.ca.host),
      caCertFile: files.caCert,
      caKeyFile: files.caKey,
      tls: { certFile: files.caServerTlsCert, keyFile: files.caServerTlsKey },
      bootstrapAdmin: CA_BOOTSTRAP,
    });
    nodes.push({
      name: org.ca.host,
      role: 'ca',
      command: process.execPath,
      args: [CA_ENTRY, '--config', home.nodeConfig(org.ca.host)],
      ports: [org.ca.port, org.ca.operationsPort],
      endpoints: { https: `https://${endpoint(org.ca.port)}`, operations: endpoint(org.ca.operationsPort) },
      readinessUrl: `http://${endpoint(org.ca.operationsPort)}/healthz`,
    });
  }
  nodes.push(ehrChaincodeServer(profile.chaincodePort));

  const description: NetworkDescription = {
    profile: 'paper',
    portOffset: profile.portOffset,
    channelId: profile.channelId,
    ports: entryPorts(profile),
    nodes,
  };
  writeDescription(home, description);
  return description;
}

/** One etcd-server member: Raft for the ordering log; loopback only; its /health is 503 until a leader exists. */
function raftMember(home: DevnetHome, orderer: PaperOrderer, cluster: string, channelId: string): NodeLaunch {
  const clientUrl = `http://${endpoint(orderer.raftClientPort)}`;
  const peerUrl = `http://${endpoint(orderer.raftPeerPort)}`;
  return {
    name: orderer.raftName,
    role: 'raft',
    command: 'etcd',
    args: [
      '--name',
      orderer.raftName,
      '--data-dir',
      home.nodeData(orderer.raftName),
      '--listen-client-urls',
      clientUrl,
      '--advertise-client-urls',
      clientUrl,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      cluster,
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      `fhirledger-${channelId}`,
      '--max-request-bytes',
      String(ETCD_MAX_REQUEST_BYTES),
      '--quota-backend-bytes',
      String(ETCD_QUOTA_BYTES),
      '--logger',
      'zap',
      '--log-level',
      'warn',
    ],
    ports: [orderer.raftClientPort, orderer.raftPeerPort],
    endpoints: { client: clientUrl, peer: peerUrl },
    readinessUrl: `${clientUrl}/health`,
  };
}

function missing(what: string): never {
  throw new Error(`paper profile has no ${what}`);
}
