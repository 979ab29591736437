/**
 * The `dev` profile as data: one orderer, Org1MSP with peer0, one CA, channel `mychannel`, Fabric's test-network
 * names and default ports (orderer 7050, peer 7051, CA 7054; operations 9443/9444/17054). `portOffset` moves every
 * port together so a second network (tests, CI) can run beside the first.
 */
import type { OrgSpec } from '../msp/crypto-layout.js';

export const HOST = '127.0.0.1';

export interface DevnetPorts {
  readonly orderer: number;
  readonly ordererOperations: number;
  readonly peer: number;
  readonly peerOperations: number;
  readonly ca: number;
  readonly caOperations: number;
  /** The EHR chaincode server (chaincode as a service) the peer dials. */
  readonly chaincode: number;
}

export interface DevProfile {
  readonly name: 'dev';
  readonly channelId: string;
  readonly ports: DevnetPorts;
  readonly ordererOrg: {
    readonly mspId: 'OrdererMSP';
    readonly domain: 'example.com';
    readonly host: string;
  };
  readonly peerOrg: {
    readonly mspId: 'Org1MSP';
    readonly domain: 'org1.example.com';
    readonly peerHost: string;
  };
  readonly caName: string;
}

const DEFAULT_PORTS: DevnetPorts = {
  orderer: 7050,
  ordererOperations: 9443,
  peer: 7051,
  peerOperations: 9444,
  ca: 7054,
  caOperations: 17054,
  chaincode: 9999,
};

export class ProfileError extends Error {
  readonly code = 'NETWORK_BAD_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

export function devProfile(options: { portOffset?: number; channelId?: string } = {}): DevProfile {
  const offset = options.portOffset ?? 0;
  const ports: DevnetPorts = {
    orderer: DEFAULT_PORTS.orderer + offset,
    ordererOperations: DEFAULT_PORTS.ordererOperations + offset,
    peer: DEFAULT_PORTS.peer + offset,
    peerOperations: DEFAULT_PORTS.peerOperations + offset,
    ca: DEFAULT_PORTS.ca + offset,
    caOperations: DEFAULT_PORTS.caOperations + offset,
    chaincode: DEFAULT_PORTS.chaincode + offset,
  };
  for (const [name, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new ProfileError(`port offset ${offset} puts ${name} on ${port}, outside 1024..65535`);
    }
  }
  const channelId = options.channelId ?? 'mychannel';
  // Fabric's channel name rule (configtx validation): lower case, digits, '.', '-', starting with a letter.
  if (!/^[a-z][a-z0-9.-]{0,248}$/.test(channelId)) {
    throw new ProfileError(`channel name "${channelId}" is not a valid Fabric channel name`);
  }
  return {
    name: 'dev',
    channelId,
    ports,
    ordererOrg: { mspId: 'OrdererMSP', domain: 'example.com', host: 'orderer.example.com' },
    peerOrg: { mspId: 'Org1MSP', domain: 'org1.example.com', peerHost: 'peer0.org1.example.com' },
    caName: 'ca-org1',
  };
}

export function endpoint(port: number): string {
  return `${HOST}:${port}`;
}

/** The orgs' crypto as Fabric's test network has it: orderer org example.com, Org1 with peer0, Admin and User1. */
export const ORDERER_ORG: OrgSpec = {
  kind: 'orderer',
  domain: 'example.com',
  mspId: 'OrdererMSP',
  nodes: ['orderer'],
  users: ['Admin'],
};
export const PEER_ORG: OrgSpec = {
  kind: 'peer',
  domain: 'org1.example.com',
  mspId: 'Org1MSP',
  nodes: ['peer0'],
  users: ['Admin', 'User1'],
};
/** The test network's CA bootstrap identity. */
export const CA_BOOTSTRAP = { id: 'admin', secret: 'adminpw' } as const;
