/**
 * Where one devnet keeps everything under its home folder: crypto in Fabric's test-network layout
 * (`organizations/…`), the channel's genesis block, each node's config, data, log and pid, and the connection
 * profiles. Pure path arithmetic, so the CLI, the node processes and the tests can never disagree about a path.
 */
import path from 'node:path';
import { defaultDevnetHome, DEVNET_PROFILE_FILE } from '../../common/devnet-location.js';

/** A node's name: `orderer.example.com`, `peer1.org3.example.com`, `ca.org2.example.com`, `chaincode-ehr`, … */
export type NodeName = string;

export class DevnetHome {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get organizations(): string {
    return path.join(this.root, 'organizations');
  }

  get peerOrgDir(): string {
    return path.join(this.organizations, 'peerOrganizations', 'org1.example.com');
  }

  get ordererOrgDir(): string {
    return path.join(this.organizations, 'ordererOrganizations', 'example.com');
  }

  channelBlock(channelId: string): string {
    return path.join(this.root, 'channel-artifacts', `${channelId}.block`);
  }

  /** The network's own description (profile, ports, channel): what `status` and `down` read. */
  get networkFile(): string {
    return path.join(this.root, 'network.json');
  }

  nodeConfig(node: NodeName): string {
    return path.join(this.root, 'config', `${node}.json`);
  }

  nodeData(node: NodeName): string {
    return path.join(this.root, 'data', node);
  }

  get logsDir(): string {
    return path.join(this.root, 'logs');
  }

  get pidsDir(): string {
    return path.join(this.root, 'pids');
  }

  logFile(node: string): string {
    return path.join(this.logsDir, `${node}.log`);
  }

  pidFile(node: string): string {
    return path.join(this.pidsDir, `${node}.pid`);
  }

  /** Fabric's common connection profile, where the test network writes it. */
  get commonConnectionProfile(): string {
    return this.orgConnectionProfile(1);
  }

  /** Org N's common connection profile (`connection-orgN.json` in its folder, as the test network writes it). */
  orgConnectionProfile(org: number): string {
    return path.join(
      this.organizations,
      'peerOrganizations',
      `org${org}.example.com`,
      `connection-org${org}.json`,
    );
  }

  /** fhirledger's own profile (ledger-client/connection-profile.ts): channel, chaincode, peers, identities. */
  get fhirledgerProfile(): string {
    return path.join(this.root, DEVNET_PROFILE_FILE);
  }

  get chaincodePackages(): string {
    return path.join(this.root, 'chaincode-packages');
  }
}

/** The default home: `.fhirledger/devnet` in the working folder (gitignored), or FHIRLEDGER_NETWORK_HOME. */
export const defaultHome = defaultDevnetHome;
