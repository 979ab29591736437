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

export interface PeerNodeConfig {
  readonly name: string;
  readonly mspId: string;
  /** The peer's local MSP (signcerts, keystore): its endorsing identity. */
  readonly mspDir: string;
  readonly tls: TlsServerFiles;
  readonly listen: ListenAddress;
  readonly operations: ListenAddress;
  readonly dataDir: string;
  readonly channelId: string;
  /** The channel's genesis block, committed as block 0 when the peer joins. */
  readonly genesisBlockFile: string;
  readonly orderer: {
    readonly address: string;
    readonly mspId: string;
    readonly tlsRootCertFile: string;
    readonly hostAlias: string;
  };
  /** Concurrent gateway requests before the excess is refused (Fabric: peer.limits.concurrency.gatewayService). */
  readonly gatewayConcurrency: number;
}

export interface OrdererNodeConfig {
  readonly name: string;
  readonly mspId: string;
  readonly mspDir: string;
  readonly tls: TlsServerFiles;
  readonly listen: ListenAddress;
  readonly operations: ListenAddress;
  readonly dataDir: string;
  readonly channelId: string;
  readonly genesisBlockFile: string;
}

/** The parsed JSON of `--config FILE`; network up wrote it, so its shape is the caller's to name. */
export function readNodeConfig(argv: readonly string[]): unknown {
  const index = argv.indexOf('--config');
  const file = index === -1 ? undefined : argv[index + 1];
  if (file === undefined) throw new Error('usage: --config FILE');
  return JSON.parse(readFileSync(file, 'utf8'));
}
