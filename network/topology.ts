/**
 * The two network profiles as plain data: which nodes exist, who they belong to, and which 127.0.0.1 ports they
 * use. Pure — nothing here touches the file system or starts a process. Every port is laid out from `basePort`, so
 * two networks with bases far enough apart coexist on one machine.
 */
import { CHANNEL_NAME } from '../common/ehr-contract.js';

export type ProfileName = 'dev' | 'paper';
export const PROFILE_NAMES: readonly ProfileName[] = ['dev', 'paper'];

export const HOST = '127.0.0.1';
export const DEFAULT_BASE_PORT = 7000;
/** Every node owns a block of this many consecutive ports; the slots inside a block are below. */
export const PORTS_PER_NODE = 10;

export interface OrgSpec {
  /** Short name used in folder names and configtx, e.g. "Org1". */
  name: string;
  mspId: string;
  /** Human description of what the org stands for in the paper's scenario. */
  purpose: string;
  domain: string;
}

export interface OrdererNode {
  kind: 'orderer';
  name: string;
  org: string;
  mspId: string;
  /** Also the Raft consenter port (the cluster shares the general listener). */
  listenPort: number;
  adminPort: number;
  operationsPort: number;
}

export type PeerRole = 'endorsing' | 'anchor';

export interface PeerNode {
  kind: 'peer';
  name: string;
  org: string;
  mspId: string;
  /** peer0 endorses (the gateway's target); peer1 is the org's anchor peer for cross-org gossip. */
  roles: readonly PeerRole[];
  listenPort: number;
  chaincodeListenPort: number;
  operationsPort: number;
}

export interface CaNode {
  kind: 'ca';
  name: string;
  org: string;
  mspId: string;
  port: number;
  operationsPort: number;
}

export type NetworkNode = OrdererNode | PeerNode | CaNode;

export interface Topology {
  profile: ProfileName;
  basePort: number;
  channel: string;
  ordererOrg: OrgSpec;
  orgs: readonly OrgSpec[];
  orderers: readonly OrdererNode[];
  peers: readonly PeerNode[];
  cas: readonly CaNode[];
  /** The chaincode-as-a-service server the peers dial (one server serves every peer that installed the package). */
  chaincodeServerPort: number;
  /** Channel and lifecycle endorsement rule: MAJORITY of the application orgs' Endorsement policies. */
  endorsementRule: 'MAJORITY';
}

export interface TopologyOptions {
  basePort?: number;
  channel?: string;
}

export class TopologyError extends Error {
  readonly code: 'TOPOLOGY_PORT_COLLISION' | 'TOPOLOGY_BAD_OPTION';
  constructor(code: TopologyError['code'], message: string) {
    super(message);
    this.name = 'TopologyError';
    this.code = code;
  }
}

const ORDERER_ORG: OrgSpec = {
  name: 'OrdererOrg',
  mspId: 'OrdererMSP',
  purpose: 'ordering service',
  domain: 'orderer.fhirledger.local',
};

const PAPER_ORGS: readonly OrgSpec[] = [
  { name: 'Org1', mspId: 'Org1MSP', purpose: 'hospital', domain: 'org1.fhirledger.local' },
  { name: 'Org2', mspId: 'Org2MSP', purpose: 'patient services', domain: 'org2.fhirledger.local' },
  { name: 'Org3', mspId: 'Org3MSP', purpose: 'regulator', domain: 'org3.fhirledger.local' },
];

interface ProfileShape {
  orderers: number;
  orgs: readonly OrgSpec[];
  peersPerOrg: number;
}

const SHAPES: Record<ProfileName, ProfileShape> = {
  dev: { orderers: 1, orgs: PAPER_ORGS.slice(0, 1), peersPerOrg: 1 },
  paper: { orderers: 3, orgs: PAPER_ORGS, peersPerOrg: 2 },
};

/** The highest base port such that the last block still fits below 65536, for the largest profile. */
export function maxBasePort(profile: ProfileName): number {
  const shape = SHAPES[profile];
  const blocks = shape.orderers + shape.orgs.length * (shape.peersPerOrg + 1) + 1;
  return 65535 - blocks * PORTS_PER_NODE;
}

export function buildTopology(profile: ProfileName, options: TopologyOptions = {}): Topology {
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > maxBasePort(profile)) {
    throw new TopologyError(
      'TOPOLOGY_BAD_OPTION',
      `base port ${basePort} for profile "${profile}" is out of range (expected an integer in 1024..${maxBasePort(profile)})`,
    );
  }
  const channel = options.channel ?? CHANNEL_NAME;
  if (!/^[a-z][a-z0-9.-]{0,248}$/.test(channel)) {
    throw new TopologyError(
      'TOPOLOGY_BAD_OPTION',
      `channel name "${channel}" is not a Fabric channel name (expected lower-case letters, digits, "." or "-", starting with a letter)`,
    );
  }
  const shape = SHAPES[profile];
  let block = 0;
  const nextBlock = (): number => basePort + PORTS_PER_NODE * block++;

  const orderers: OrdererNode[] = [];
  for (let i = 0; i < shape.orderers; i++) {
    const start = nextBlock();
    orderers.push({
      kind: 'orderer',
      name: `orderer${i}`,
      org: ORDERER_ORG.name,
      mspId: ORDERER_ORG.mspId,
      listenPort: start,
      adminPort: start + 1,
      operationsPort: start + 2,
    });
  }
  const peers: PeerNode[] = [];
  const cas: CaNode[] = [];
  for (const org of shape.orgs) {
    for (let i = 0; i < shape.peersPerOrg; i++) {
      const start = nextBlock();
      peers.push({
        kind: 'peer',
        name: `peer${i}.${org.name.toLowerCase()}`,
        org: org.name,
        mspId: org.mspId,
        roles: peerRoles(i, shape.peersPerOrg),
        listenPort: start,
        chaincodeListenPort: start + 1,
        operationsPort: start + 2,
      });
    }
    const start = nextBlock();
    cas.push({
      kind: 'ca',
      name: `ca.${org.name.toLowerCase()}`,
      org: org.name,
      mspId: org.mspId,
      port: start,
      operationsPort: start + 1,
    });
  }
  const topology: Topology = {
    profile,
    basePort,
    channel,
    ordererOrg: ORDERER_ORG,
    orgs: shape.orgs,
    orderers,
    peers,
    cas,
    chaincodeServerPort: nextBlock(),
    endorsementRule: 'MAJORITY',
  };
  assertNoPortCollisions(topology);
  return topology;
}

/** With a single peer it must both endorse and anchor; otherwise peer0 endorses and peer1 anchors. */
function peerRoles(index: number, peersPerOrg: number): readonly PeerRole[] {
  if (peersPerOrg === 1) return ['endorsing', 'anchor'];
  return index === 0 ? ['endorsing'] : ['anchor'];
}

export function allNodes(topology: Topology): readonly NetworkNode[] {
  return [...topology.orderers, ...topology.peers, ...topology.cas];
}

export interface PortUse {
  port: number;
  /** e.g. "peer0.org1 operations" */
  owner: string;
}

export function portsOf(topology: Topology): readonly PortUse[] {
  const uses: PortUse[] = [];
  for (const node of allNodes(topology)) {
    const add = (port: number, what: string) => uses.push({ port, owner: `${node.name} ${what}` });
    if (node.kind === 'orderer') {
      add(node.listenPort, 'listen');
      add(node.adminPort, 'admin');
      add(node.operationsPort, 'operations');
    } else if (node.kind === 'peer') {
      add(node.listenPort, 'listen');
      add(node.chaincodeListenPort, 'chaincode listen');
      add(node.operationsPort, 'operations');
    } else {
      add(node.port, 'CA');
      add(node.operationsPort, 'CA operations');
    }
  }
  uses.push({ port: topology.chaincodeServerPort, owner: 'chaincode server' });
  return uses;
}

/** Throws TOPOLOGY_PORT_COLLISION naming both owners of the first port used twice. */
export function assertNoPortCollisions(topology: Topology): void {
  const seen = new Map<number, string>();
  for (const use of portsOf(topology)) {
    const previous = seen.get(use.port);
    if (previous !== undefined) {
      throw new TopologyError(
        'TOPOLOGY_PORT_COLLISION',
        `port ${use.port} is used by both "${previous}" and "${use.owner}" in profile "${topology.profile}"`,
      );
    }
    seen.set(use.port, use.owner);
  }
}

export function peersOf(topology: Topology, org: string): readonly PeerNode[] {
  return topology.peers.filter((peer) => peer.org === org);
}

export function anchorPeersOf(topology: Topology, org: string): readonly PeerNode[] {
  return peersOf(topology, org).filter((peer) => peer.roles.includes('anchor'));
}

export function address(port: number): string {
  return `${HOST}:${port}`;
}
