/**
 * The `paper` profile as data: the topology papers 000 and 002 measured — three organisations (Org1MSP providers,
 * Org2MSP patients, Org3MSP regulator), each with peer0 and peer1 and its own CA, and three orderers whose ordering
 * log is replicated by a three-member etcd Raft cluster (one member beside each orderer). Names follow Fabric's test
 * network extended to three orgs (peer0.org3.example.com, ca-org3, orderer2.example.com).
 *
 * Ports sit in 7100..7499 (+ offset): clear of the dev layout (7050/7051/7054/9443/9444/9999/17054) so a dev and a
 * paper network can run side by side, and none ends in 050, 051, 054, 443, 444 or 999, so a paper network at one
 * offset never takes a port of a dev network at another offset that is a multiple of 1000.
 */
import type { OrgSpec } from '../msp/crypto-layout.js';
import { ProfileError, type DevnetPorts } from './dev-profile.js';

export interface PaperOrderer {
  /** Short node name in the orderer org: `orderer`, `orderer2`, `orderer3`. */
  readonly node: string;
  readonly host: string;
  readonly port: number;
  readonly operationsPort: number;
  /** The etcd member beside this orderer: clients (the orderer) and Raft peers. */
  readonly raftName: string;
  readonly raftClientPort: number;
  readonly raftPeerPort: number;
}

export interface PaperPeer {
  readonly node: string;
  readonly host: string;
  readonly port: number;
  readonly operationsPort: number;
}

export interface PaperOrg {
  readonly spec: OrgSpec;
  /** `Org1` … as Fabric's connection profiles name organisations. */
  readonly name: string;
  readonly role: 'providers' | 'patients' | 'regulator';
  readonly peers: readonly PaperPeer[];
  readonly ca: {
    readonly name: string;
    readonly host: string;
    readonly port: number;
    readonly operationsPort: number;
  };
}

export interface PaperProfile {
  readonly name: 'paper';
  readonly portOffset: number;
  readonly channelId: string;
  readonly ordererOrg: OrgSpec;
  readonly orderers: readonly PaperOrderer[];
  readonly orgs: readonly PaperOrg[];
  /** One EHR chaincode server that every peer dials (chaincode as a service). */
  readonly chaincodePort: number;
}

const ROLES = ['providers', 'patients', 'regulator'] as const;

export function paperProfile(options: { portOffset?: number; channelId?: string } = {}): PaperProfile {
  const offset = options.portOffset ?? 0;
  const port = (base: number): number => {
    const value = base + offset;
    if (!Number.isInteger(value) || value < 1024 || value > 65535)
      throw new ProfileError(`port offset ${offset} puts port ${base} on ${value}, outside 1024..65535`);
    return value;
  };
  const channelId = options.channelId ?? 'mychannel';
  if (!/^[a-z][a-z0-9.-]{0,248}$/.test(channelId))
    throw new ProfileError(`channel name "${channelId}" is not a valid Fabric channel name`);
  const ordererNodes = ['orderer', 'orderer2', 'orderer3'];
  const orderers = ordererNodes.map((node, index): PaperOrderer => ({
    node,
    host: `${node}.example.com`,
    port: port(7110 + index * 10),
    operationsPort: port(7111 + index * 10),
    raftName: `raft.${node}.example.com`,
    raftClientPort: port(7112 + index * 10),
    raftPeerPort: port(7113 + index * 10),
  }));
  const orgs = ROLES.map((role, index): PaperOrg => {
    const number = index + 1;
    const domain = `org${number}.example.com`;
    const peers = ['peer0', 'peer1'].map((node, peerIndex): PaperPeer => ({
      node,
      host: `${node}.${domain}`,
      port: port(7210 + index * 20 + peerIndex * 10),
      operationsPort: port(7211 + index * 20 + peerIndex * 10),
    }));
    return {
      spec: {
        kind: 'peer',
        domain,
        mspId: `Org${number}MSP`,
        nodes: peers.map((p) => p.node),
        users: ['Admin', 'User1'],
      },
      name: `Org${number}`,
      role,
      peers,
      ca: {
        name: `ca-org${number}`,
        host: `ca.${domain}`,
        port: port(7310 + index * 10),
        operationsPort: port(7311 + index * 10),
      },
    };
  });
  return {
    name: 'paper',
    portOffset: offset,
    channelId,
    ordererOrg: {
      kind: 'orderer',
      domain: 'example.com',
      mspId: 'OrdererMSP',
      nodes: ordererNodes,
      users: ['Admin'],
    },
    orderers,
    orgs,
    chaincodePort: port(7410),
  };
}

/**
 * The ports the rest of the toolkit reads from network.json (`description.ports`): org1's peer0 and CA, the first
 * orderer and the chaincode server — the paper network's entry points for the migrator, Caliper and deploys.
 */
export function entryPorts(profile: PaperProfile): DevnetPorts {
  const org1 = profile.orgs[0];
  const peer0 = org1?.peers[0];
  const orderer = profile.orderers[0];
  if (org1 === undefined || peer0 === undefined || orderer === undefined)
    throw new Error('paper profile is empty');
  return {
    orderer: orderer.port,
    ordererOperations: orderer.operationsPort,
    peer: peer0.port,
    peerOperations: peer0.operationsPort,
    ca: org1.ca.port,
    caOperations: org1.ca.operationsPort,
    chaincode: profile.chaincodePort,
  };
}
