/**
 * Composition root for one orderer process's servers: opens the channels (OrdererNode), then serves
 * AtomicBroadcast over TLS and the operations endpoint. The process entry (the lead's) loads MSP material, builds
 * the SigningIdentity and IdentityValidator, and calls this; nothing here reads files other than the block stores.
 */
import type { IdentityValidator, SigningIdentity } from '../msp/types.js';
import { startOrdererGrpcServer, type OrdererGrpcServer } from './grpc-server.js';
import { startOperationsServer, type OperationsServer } from '../operations-server.js';
import { OrdererNode, type ChannelSource } from './orderer-node.js';
import type { OrderingLog } from './ordering-log.js';

export interface OrdererServiceOptions {
  readonly dataDir: string;
  readonly signer: SigningIdentity;
  readonly identities: IdentityValidator;
  readonly channels: readonly ChannelSource[];
  /** gRPC listen address; dev profile 127.0.0.1:7050; port 0 picks a free one. */
  readonly listen: { readonly host?: string; readonly port: number };
  readonly tls: { readonly certPem: string; readonly keyPem: string };
  /** Operations (healthz, metrics) address; dev profile 127.0.0.1:9443. */
  readonly operations: { readonly host?: string; readonly port: number };
  readonly logFactory?: (channelId: string, resumeAfter: number) => OrderingLog;
  /** Deliver's allowed clock skew (Fabric's General.Authentication.TimeWindow, default 15 min). */
  readonly timeWindowMs?: number;
  readonly onChainError?: (channelId: string, error: Error) => void;
}

export interface OrdererService {
  readonly node: OrdererNode;
  readonly grpc: OrdererGrpcServer;
  readonly operations: OperationsServer;
  /** Stops accepting, lets streams finish (bounded), writes pending blocks, closes the stores. */
  close(): Promise<void>;
}

export async function startOrdererService(options: OrdererServiceOptions): Promise<OrdererService> {
  const node = await OrdererNode.open(options);
  let grpc: OrdererGrpcServer | undefined;
  try {
    const deps = { channels: node, identities: options.identities, metrics: node.metrics };
    grpc = await startOrdererGrpcServer({
      host: options.listen.host,
      port: options.listen.port,
      tls: options.tls,
      broadcast: deps,
      deliver: { ...deps, timeWindowMs: options.timeWindowMs },
    });
    const operations = await startOperationsServer(options.operations, {
      metrics: () => node.metrics.render(),
      failedChecks: () => node.failedChecks(),
    });
    const started = grpc;
    return {
      node,
      grpc: started,
      operations,
      async close() {
        await started.close();
        await operations.close();
        await node.close();
      },
    };
  } catch (error) {
    await grpc?.close();
    await node.close();
    throw error;
  }
}
