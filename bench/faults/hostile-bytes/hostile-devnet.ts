/**
 * The devnet a hostile-bytes case attacks: a dev network of its own at the case's port offset (bench/devnet-harness,
 * through the real CLI), raw TLS gRPC clients to the peer and the orderer, User1's signing identity for requests
 * that must be well signed to reach the check under test, and the facts a case reads afterwards: /healthz of each
 * node, the same pids as at start (nothing crashed and came back), process memory from /proc, and one real EHR
 * write through the unmodified @hyperledger/fabric-gateway client (the profile's migrator, CreateRecords).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { BenchDevnet } from '../../devnet-harness.js';
import { loadConnectionProfile } from '../../../ledger-client/connection-profile.js';
import { LedgerSession } from '../../../ledger-client/ledger-session.js';
import { loadSigningIdentity, type LoadedSigningIdentity } from '../../../network/msp/signing-identity.js';
import type { FaultContext } from '../fault-case.js';

export const CHANNEL = 'mychannel';
/** Dev profile ports before the offset (network/node/dev-profile.ts). */
const PEER_PORT = 7051;
const ORDERER_PORT = 7050;
const PEER_OPERATIONS_PORT = 9444;
const ORDERER_OPERATIONS_PORT = 9443;
const PEER_NODE = 'peer0.org1.example.com';
const ORDERER_NODE = 'orderer.example.com';
/** Fabric's default General.MaxRecvMsgSize / peer.maxRecvMsgSize, which the devnet keeps (100 MiB). */
export const FABRIC_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export class HostileDevnet {
  readonly peer: grpc.Client;
  readonly orderer: grpc.Client;
  private readonly startPids: ReadonlyMap<string, number>;
  private writes = 0;

  private constructor(
    readonly devnet: BenchDevnet,
    readonly user1: LoadedSigningIdentity,
  ) {
    const home = devnet.home;
    this.peer = tlsClient(
      devnet.port(PEER_PORT),
      path.join(home, `organizations/peerOrganizations/org1.example.com/peers/${PEER_NODE}/tls/ca.crt`),
      PEER_NODE,
    );
    this.orderer = tlsClient(
      devnet.port(ORDERER_PORT),
      path.join(home, `organizations/ordererOrganizations/example.com/orderers/${ORDERER_NODE}/tls/ca.crt`),
      ORDERER_NODE,
    );
    this.startPids = new Map(devnet.pids);
  }

  /** Starts a dev network at the context's offset, runs `body`, and always takes the network down (purged). */
  static async with<T>(context: FaultContext, body: (target: HostileDevnet) => Promise<T>): Promise<T> {
    const devnet = new BenchDevnet(context.portOffset, undefined, 'dev');
    let target: HostileDevnet | undefined;
    try {
      context.log(`devnet up at port offset ${context.portOffset}`);
      devnet.up();
      const user1 = await loadSigningIdentity(
        'Org1MSP',
        path.join(
          devnet.home,
          'organizations/peerOrganizations/org1.example.com/users/User1@org1.example.com/msp',
        ),
      );
      target = new HostileDevnet(devnet, user1);
      return await body(target);
    } finally {
      target?.peer.close();
      target?.orderer.close();
      context.log('devnet down --purge');
      await devnet.destroy();
    }
  }

  pid(node: 'peer' | 'orderer'): number {
    const pid = this.startPids.get(node === 'peer' ? PEER_NODE : ORDERER_NODE);
    if (pid === undefined) throw new Error(`no pid recorded for the ${node}`);
    return pid;
  }

  /** The node's own /healthz answers 200. */
  async healthy(node: 'peer' | 'orderer'): Promise<boolean> {
    const port = this.devnet.port(node === 'peer' ? PEER_OPERATIONS_PORT : ORDERER_OPERATIONS_PORT);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(5_000),
      });
      return response.status === 200;
    } catch {
      // Refused or timed out: the node is not serving, which is what this answers.
      return false;
    }
  }

  /** Text of the node's Prometheus /metrics. */
  async metrics(node: 'peer' | 'orderer'): Promise<string> {
    const port = this.devnet.port(node === 'peer' ? PEER_OPERATIONS_PORT : ORDERER_OPERATIONS_PORT);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return response.text();
  }

  /** Every node `network status` lists runs with the pid it had after `up`: nothing died and was restarted. */
  samePids(): boolean {
    return this.devnet
      .status()
      .every((node) => node.healthy && node.pid !== null && node.pid === this.startPids.get(node.name));
  }

  /** Resident memory of a node now, in MiB (/proc/<pid>/status VmRSS). */
  rssMiB(node: 'peer' | 'orderer'): number {
    return procStatusKiB(this.pid(node), 'VmRSS') / 1024;
  }

  /** One CreateRecords of a fresh Patient by the profile's migrator, committed: true when it was created. */
  async ehrWriteCommits(): Promise<{ ok: boolean; detail: string }> {
    this.writes += 1;
    const session = new LedgerSession(
      loadConnectionProfile(path.join(this.devnet.home, 'fhirledger-connection.json')),
    );
    try {
      const created = await session
        .ledgerForNamed('migrator')
        .createRecords([
          { resourceType: 'Patient', id: `hostile-bytes-probe-${this.writes}`, gender: 'unknown' },
        ]);
      const outcomes = created.value.items.map((item) => item.outcome);
      return {
        ok: outcomes.length === 1 && outcomes[0] === 'created',
        detail: `tx ${created.txId}: ${outcomes.join()}`,
      };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    } finally {
      session.close();
    }
  }

  /**
   * The checks every hostile-bytes case ends with: both nodes answer /healthz, none was restarted, and a real client
   * transaction on the EHR chaincode commits.
   */
  async stillServing(): Promise<{ checks: Record<string, boolean>; detail: string }> {
    const write = await this.ehrWriteCommits();
    return {
      checks: {
        'peer /healthz answers 200 afterwards': await this.healthy('peer'),
        'orderer /healthz answers 200 afterwards': await this.healthy('orderer'),
        'no node died or restarted (same pids)': this.samePids(),
        'a real EHR CreateRecords commits afterwards': write.ok,
      },
      detail: write.detail,
    };
  }
}

function tlsClient(port: number, tlsRootFile: string, hostName: string): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(readFileSync(tlsRootFile)), {
    'grpc.ssl_target_name_override': hostName,
    // Our side must not refuse what we mean to send or receive; the node's limits are what is under test.
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
}

export function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}
