/**
 * The orderer's gRPC endpoint: orderer.AtomicBroadcast (Broadcast + Deliver) over server-side TLS, as Fabric's
 * orderer with General.TLS.Enabled and no client auth. The service definition is @hyperledger/fabric-protos' own,
 * with two wire-level changes clients cannot see: requests keep the exact bytes received (Broadcast orders them
 * verbatim), and Deliver responses are written pre-encoded around stored block bytes (no decode/re-encode of
 * multi-MB blocks per reader).
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import { broadcastHandler, type BroadcastDeps, type ReceivedEnvelope } from './broadcast.js';
import { deliverHandler, type DeliverDeps } from './deliver.js';

/** Fabric's default General.MaxRecvMsgSize / MaxSendMsgSize. */
export const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export interface OrdererGrpcOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: { readonly certPem: string; readonly keyPem: string };
  readonly broadcast: BroadcastDeps;
  readonly deliver: DeliverDeps;
}

export interface OrdererGrpcServer {
  readonly port: number;
  readonly address: string;
  close(graceMs?: number): Promise<void>;
}

function receivedEnvelope(buffer: Buffer): ReceivedEnvelope {
  return { envelope: common.Envelope.deserializeBinary(buffer), bytes: buffer };
}

/** AtomicBroadcastService with byte-preserving requests and pass-through Deliver responses. */
export function atomicBroadcastServiceDefinition(): grpc.ServiceDefinition {
  const base = orderer.AtomicBroadcastService;
  return {
    broadcast: { ...base.broadcast, requestDeserialize: receivedEnvelope },
    deliver: {
      ...base.deliver,
      requestDeserialize: receivedEnvelope,
      responseSerialize: (value: Uint8Array | orderer.DeliverResponse) =>
        value instanceof Uint8Array
          ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
          : Buffer.from(value.serializeBinary()),
    },
  };
}

export async function startOrdererGrpcServer(options: OrdererGrpcOptions): Promise<OrdererGrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // Fabric's orderer keepalive policy: clients may ping every 60 s (General.Keepalive.ServerMinInterval).
    'grpc.keepalive_time_ms': 7_200_000,
    'grpc.keepalive_timeout_ms': 20_000,
  });
  server.addService(atomicBroadcastServiceDefinition(), {
    broadcast: broadcastHandler(options.broadcast),
    deliver: deliverHandler(options.deliver),
  });
  const credentials = grpc.ServerCredentials.createSsl(null, [
    { cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) },
  ]);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return {
    port,
    address: `${host}:${port}`,
    close: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
