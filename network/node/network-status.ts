/**
 * `network status`: every node with its pid, endpoints, health (its /healthz, or a TCP connect for the chaincode
 * server) and ledger height (Fabric's `ledger_blockchain_height` metric), the channel, the chaincodes defined on it
 * and where the connection profiles are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { acceptsConnection, Supervisor } from '../supervisor.js';
import type { ChaincodeDefinition } from '../peer/chaincode-registry.js';
import { DevnetHome } from './devnet-home.js';
import { readDescription, type NodeLaunch } from './network-description.js';

export interface NodeStatus {
  readonly name: string;
  readonly role: NodeLaunch['role'];
  readonly pid: number | null;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly healthy: boolean;
  readonly ledgerHeight: number | null;
  /** Orderers on Raft (paper): whether this orderer's Raft member leads; null when it cannot say. */
  readonly raftLeader?: boolean | null;
  readonly log: string;
}

export interface NetworkStatus {
  readonly home: string;
  readonly profile: string | null;
  readonly channel: string | null;
  readonly nodes: readonly NodeStatus[];
  readonly chaincodes: readonly ChaincodeDefinition[];
  /** null when the home holds no devnet (no network description). */
  readonly connectionProfiles: { readonly fabric: string; readonly fhirledger: string } | null;
}

const PROBE_MS = 1500;

export async function networkStatus(homeDir: string): Promise<NetworkStatus> {
  const home = new DevnetHome(homeDir);
  if (!existsSync(home.networkFile)) {
    return {
      home: home.root,
      profile: null,
      channel: null,
      nodes: [],
      chaincodes: [],
      connectionProfiles: null,
    };
  }
  const description = readDescription(home);
  const supervisor = new Supervisor(home);
  const nodes = await Promise.all(
    description.nodes.map(async (node): Promise<NodeStatus> => {
      const pid = supervisor.runningPid(node.name) ?? null;
      const healthy = pid !== null && (await probe(node.readinessUrl));
      const raft = node.role === 'orderer' ? node.endpoints.raft : undefined;
      return {
        name: node.name,
        role: node.role,
        pid,
        endpoints: node.endpoints,
        healthy,
        ledgerHeight: healthy ? await ledgerHeight(node, description.channelId) : null,
        ...(raft === undefined ? {} : { raftLeader: healthy ? await raftLeads(raft) : null }),
        log: home.logFile(node.name),
      };
    }),
  );
  const chaincodesFile = `${home.nodeData('peer0.org1.example.com')}/chaincodes.json`;
  return {
    home: home.root,
    profile: description.profile,
    channel: description.channelId,
    nodes,
    chaincodes: existsSync(chaincodesFile)
      ? (JSON.parse(readFileSync(chaincodesFile, 'utf8')) as ChaincodeDefinition[])
      : [],
    connectionProfiles: { fabric: home.commonConnectionProfile, fhirledger: home.fhirledgerProfile },
  };
}

export function formatStatus(status: NetworkStatus): string {
  if (status.nodes.length === 0) return `no devnet in ${status.home}: run "fhirledger network up"\n`;
  const rows = status.nodes.map((node) => {
    const state = node.pid === null ? 'stopped' : node.healthy ? 'healthy' : 'UNHEALTHY';
    const height =
      (node.ledgerHeight === null ? '' : ` height ${node.ledgerHeight}`) +
      (node.raftLeader === true ? ' (Raft leader)' : '');
    return `  ${node.name.padEnd(26)} ${node.role.padEnd(9)} ${state.padEnd(9)} pid ${String(node.pid ?? '-').padEnd(7)} ${Object.values(node.endpoints).join(' ')}${height}`;
  });
  const chaincodes = status.chaincodes.map(
    (cc) => `  ${cc.name} ${cc.version} (sequence ${cc.sequence}) at ${cc.address}`,
  );
  return [
    `devnet ${status.profile ?? ''} in ${status.home}, channel ${status.channel ?? ''}`,
    ...rows,
    'chaincodes:',
    ...(chaincodes.length === 0 ? ['  none'] : chaincodes),
    `connection profile: ${status.connectionProfiles?.fabric ?? ''}`,
    `fhirledger profile: ${status.connectionProfiles?.fhirledger ?? ''}`,
    '',
  ].join('\n');
}

async function probe(url: string): Promise<boolean> {
  if (url.startsWith('tcp://')) return acceptsConnection(new URL(url), PROBE_MS);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

async function ledgerHeight(node: NodeLaunch, channelId: string): Promise<number | null> {
  if (node.role !== 'peer' && node.role !== 'orderer') return null;
  try {
    const metricsUrl = node.readinessUrl.replace(/\/healthz$/, '/metrics');
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(PROBE_MS) })).text();
    const match = new RegExp(`^ledger_blockchain_height\\{channel="${channelId}"\\} (\\d+)`, 'm').exec(text);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** etcd's maintenance status: the member leads when its own id is the leader's. */
async function raftLeads(clientUrl: string): Promise<boolean | null> {
  try {
    const response = await fetch(`${clientUrl}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(PROBE_MS),
    });
    if (!response.ok) return null;
    const status = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    if (status.leader === undefined || status.leader === '0') return null;
    return status.header?.member_id === status.leader;
  } catch {
    return null;
  }
}
