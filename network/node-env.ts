/**
 * The environment each peer and orderer process is started with: Fabric reads its sampleconfig (FABRIC_CFG_PATH)
 * and every setting that must differ per node on one host is overridden here. Pure: topology + run layout in,
 * a plain string map out. All addresses are 127.0.0.1.
 */
import { RunLayout } from './run-layout.js';
import {
  address,
  HOST,
  peersOf,
  type OrdererNode,
  type OrgSpec,
  type PeerNode,
  type Topology,
} from './topology.js';

/**
 * The peer rejects gateway calls beyond this many in flight at once (default 500 per peer, no queue); a 2000-VU
 * load test would see "too many requests" long before the peer is saturated, so raise it and bound clients instead.
 */
export const GATEWAY_CONCURRENCY_LIMIT = 10000;

export interface NodeEnvOptions {
  /** The folder holding core.yaml / orderer.yaml (Fabric's sampleconfig in the Go module cache). */
  fabricCfgPath: string;
  /** Extra variable names the peer passes through to the external builder scripts. */
  builderPropagateEnvironment?: readonly string[];
}

export class NodeEnvError extends Error {
  readonly code = 'NODE_ENV_UNKNOWN_ORG';
  constructor(message: string) {
    super(message);
    this.name = 'NodeEnvError';
  }
}

export type NodeEnv = Readonly<Record<string, string>>;

function orgOf(topology: Topology, name: string): OrgSpec {
  const org = [topology.ordererOrg, ...topology.orgs].find((candidate) => candidate.name === name);
  if (org === undefined)
    throw new NodeEnvError(`node belongs to org "${name}", which the topology does not define`);
  return org;
}

/** Fabric reads list values from the environment written as `[a,b]`. */
function envList(values: readonly string[]): string {
  return `[${values.join(',')}]`;
}

/** Bootstraps gossip from the org's other peers (or itself when alone), since gossip only bootstraps within an org. */
function gossipBootstrap(topology: Topology, peer: PeerNode): string {
  const others = peersOf(topology, peer.org).filter((candidate) => candidate.name !== peer.name);
  const targets = others.length > 0 ? others : [peer];
  return targets.map((target) => address(target.listenPort)).join(' ');
}

export function peerEnv(
  topology: Topology,
  peer: PeerNode,
  runDir: string,
  options: NodeEnvOptions,
): NodeEnv {
  const layout = new RunLayout(runDir);
  const org = orgOf(topology, peer.org);
  const tls = layout.nodeTls(org, peer);
  const data = layout.nodeData(peer);
  const propagate = ['HOME', ...(options.builderPropagateEnvironment ?? [])];
  return {
    FABRIC_CFG_PATH: options.fabricCfgPath,
    CORE_PEER_ID: peer.name,
    CORE_PEER_ADDRESS: address(peer.listenPort),
    CORE_PEER_LISTENADDRESS: address(peer.listenPort),
    CORE_PEER_CHAINCODEADDRESS: address(peer.chaincodeListenPort),
    CORE_PEER_CHAINCODELISTENADDRESS: address(peer.chaincodeListenPort),
    CORE_OPERATIONS_LISTENADDRESS: address(peer.operationsPort),
    CORE_METRICS_PROVIDER: 'prometheus',
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: `${data}/snapshots`,
    CORE_PEER_LOCALMSPID: peer.mspId,
    CORE_PEER_MSPCONFIGPATH: layout.nodeMsp(org, peer),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: tls.cert,
    CORE_PEER_TLS_KEY_FILE: tls.key,
    CORE_PEER_TLS_ROOTCERT_FILE: tls.rootCa,
    CORE_PEER_GOSSIP_BOOTSTRAP: gossipBootstrap(topology, peer),
    // Without an external endpoint other orgs never learn of this peer, and the gateway cannot reach their endorsers.
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address(peer.listenPort),
    // No Docker here: an empty VM endpoint plus an external builder is what lets the peer start (Fabric ≥ 3.0).
    CORE_VM_ENDPOINT: '',
    // JSON (valid YAML flow style, as fabric-samples' nano-bash network writes it) so a path with spaces survives.
    CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([
      { name: 'ccaas', path: layout.ccaasBuilder, propagateEnvironment: propagate },
    ]),
    CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE: String(GATEWAY_CONCURRENCY_LIMIT),
  };
}

export function ordererEnv(
  topology: Topology,
  orderer: OrdererNode,
  runDir: string,
  options: NodeEnvOptions,
): NodeEnv {
  const layout = new RunLayout(runDir);
  const org = orgOf(topology, orderer.org);
  const tls = layout.nodeTls(org, orderer);
  const data = layout.nodeData(orderer);
  // Orderers talk to each other (Raft) and to peers of every org, so trust every org's TLS root.
  const rootCas = envList([topology.ordererOrg, ...topology.orgs].map((each) => layout.orgTlsRootCa(each)));
  return {
    FABRIC_CFG_PATH: options.fabricCfgPath,
    ORDERER_GENERAL_LISTENADDRESS: HOST,
    ORDERER_GENERAL_LISTENPORT: String(orderer.listenPort),
    ORDERER_GENERAL_LOCALMSPID: orderer.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: layout.nodeMsp(org, orderer),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: tls.key,
    ORDERER_GENERAL_TLS_CERTIFICATE: tls.cert,
    ORDERER_GENERAL_TLS_ROOTCAS: rootCas,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls.cert,
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls.key,
    ORDERER_GENERAL_CLUSTER_ROOTCAS: envList([tls.rootCa]),
    // v3 has no system channel: channels are joined through the admin endpoint (osnadmin).
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_FILELEDGER_LOCATION: `${data}/ledger`,
    ORDERER_CONSENSUS_WALDIR: `${data}/etcdraft/wal`,
    ORDERER_CONSENSUS_SNAPDIR: `${data}/etcdraft/snapshot`,
    ORDERER_OPERATIONS_LISTENADDRESS: address(orderer.operationsPort),
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_ADMIN_LISTENADDRESS: address(orderer.adminPort),
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: tls.cert,
    ORDERER_ADMIN_TLS_PRIVATEKEY: tls.key,
    ORDERER_ADMIN_TLS_ROOTCAS: envList([tls.rootCa]),
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: envList([tls.rootCa]),
  };
}
