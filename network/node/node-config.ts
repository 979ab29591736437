/**
 * The JSON config each devnet process is started with (`--config FILE`), written by `network up`. Paths are
 * absolute; every listener is on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface TlsServerFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** What every Fabric node process (peer, orderer) is given. */
export interface FabricNodeConfig {
  readonly name: string;
  readonly mspId: string;
  /** The node's local MSP (signcerts, keystore): the identity it signs with (endorsements, blocks). */
  readonly mspDir: string;
  readonly tls: TlsServerFiles;
  readonly listen: ListenAddress;
  readonly operations: ListenAddress;
  readonly dataDir: string;
  readonly channelId: string;
  /** The channel's genesis block: the peer commits it as block 0 when it joins, the orderer starts its chain with it. */
  readonly genesisBlockFile: string;
}

export interface OrdererNodeConfig extends FabricNodeConfig {
  /** Paper profile: the orderer's own etcd member, whose Raft replicates the ordering log. Absent: in-process. */
  readonly raft?: { readonly etcdClientUrl: string };
}

/** One orderer a peer may pull blocks from and broadcast to. */
export interface OrdererTarget {
  readonly address: string;
  readonly mspId: string;
  readonly tlsRootCertFile: string;
  readonly hostAlias: string;
}

/** Another peer of the channel the gateway can ask for endorsements (Fabric learns these through discovery). */
export interface ChannelPeerTarget {
  readonly address: string;
  readonly mspId: string;
  readonly tlsRootCertFile: string;
  readonly hostAlias: string;
}

export interface PeerNodeConfig extends FabricNodeConfig {
  readonly orderer: OrdererTarget;
  /** Paper profile: every orderer, tried in turn when the one in use fails. Absent: `orderer` alone. */
  readonly orderers?: readonly OrdererTarget[];
  /** Paper profile: the channel's other peers, for endorsements from other orgs. */
  readonly channelPeers?: readonly ChannelPeerTarget[];
  /** Concurrent gateway requests before the excess is refused (Fabric: peer.limits.concurrency.gatewayService). */
  readonly gatewayConcurrency: number;
  /** How long a chaincode may run one proposal (Fabric: chaincode.executetimeout, 30 s); absent: 30 s. */
  readonly chaincodeExecuteTimeoutMs?: number;
}

/** The parsed JSON of `--config FILE`; network up wrote it, so its shape is the caller's to name. */
export function readNodeConfig(argv: readonly string[]): unknown {
  const index = argv.indexOf('--config');
  const file = index === -1 ? undefined : argv[index + 1];
  if (file === undefined) throw new Error('usage: --config FILE');
  return JSON.parse(readFileSync(file, 'utf8'));
}
