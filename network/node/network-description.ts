/**
 * network.json in the devnet home: the profile the network was created with and how each node is started, so
 * `status`, `down`, `kill` and `start` work from the home alone, whichever folder they run from.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { DevnetPorts } from './dev-profile.js';
import type { DevnetHome } from './devnet-home.js';
import { NetworkError } from './network-error.js';

export type NodeRole = 'orderer' | 'peer' | 'ca' | 'chaincode' | 'raft';

export interface NodeLaunch {
  readonly name: string;
  readonly role: NodeRole;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly ports: readonly number[];
  /** What `status` shows as the node's endpoints. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Health URL (http://…/healthz) or tcp:// address. */
  readonly readinessUrl: string;
  /** Nodes that live and die with this one: an orderer's Raft member (`kill`/`start` take both). */
  readonly companions?: readonly string[];
}

export interface NetworkDescription {
  readonly profile: 'dev' | 'paper';
  readonly portOffset: number;
  readonly channelId: string;
  /** Dev: every port. Paper: the entry points (org1's peer0 and CA, the first orderer, the chaincode server). */
  readonly ports: DevnetPorts;
  /** In start order. */
  readonly nodes: readonly NodeLaunch[];
}

export function readDescription(home: DevnetHome): NetworkDescription {
  if (!existsSync(home.networkFile)) {
    throw new NetworkError(
      'NETWORK_NOT_CREATED',
      `no devnet in ${home.root} (no ${path.basename(home.networkFile)}): run "fhirledger network up" first`,
    );
  }
  return JSON.parse(readFileSync(home.networkFile, 'utf8')) as NetworkDescription;
}

export function writeDescription(home: DevnetHome, description: NetworkDescription): void {
  mkdirSync(home.root, { recursive: true });
  const temporary = `${home.networkFile}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(description, null, 2)}\n`);
  renameSync(temporary, home.networkFile);
}

export function nodeOf(description: NetworkDescription, name: string): NodeLaunch {
  const node = description.nodes.find((candidate) => candidate.name === name);
  if (node === undefined) {
    throw new NetworkError(
      'NETWORK_UNKNOWN_NODE',
      `no node "${name}" in this network; its nodes are ${description.nodes.map((n) => n.name).join(', ')}`,
    );
  }
  return node;
}
