/**
 * The peer's ChaincodeRuntime for chaincode-as-a-service: one gRPC stream per chaincode name, dialled by connect()
 * and re-dialled on the next execute() after it broke (a server that is still down fails that execute quickly with
 * UNREACHABLE). Plaintext by default, as the dev profile's connection.json (`tls_required: false`); TLS optional.
 */
import * as grpc from '@grpc/grpc-js';
import type { ChaincodeInvocation, ChaincodeResult, ChaincodeRuntime } from '../chaincode-types.js';
import { ShimConnection, type DialTarget } from './shim-connection.js';
import { ChaincodeShimError } from './shim-error.js';

export interface ChaincodeTlsOptions {
  /** PEM of the CA(s) that issued the chaincode server's TLS certificate (connection.json root_cert). */
  readonly rootCerts: Buffer;
  /** Client key and certificate PEM when the server requires client authentication. */
  readonly clientKey?: Buffer;
  readonly clientCert?: Buffer;
  /** Host name to verify instead of the address's host. */
  readonly serverNameOverride?: string;
}

export interface CcaasRuntimeOptions {
  readonly tls?: ChaincodeTlsOptions;
  /** connection.json's dial_timeout; Fabric's samples use 10 s. */
  readonly dialTimeoutMs?: number;
  /** Protocol oddities worth a log line (dropped overlapping requests, a stream ended for a protocol violation). */
  readonly onWarning?: (message: string) => void;
}

/** Fabric's peer allows chaincode messages up to 100 MiB each way (core.yaml peer.maxRecvMsgSize/maxSendMsgSize). */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

interface Endpoint {
  readonly target: DialTarget;
  connection?: ShimConnection;
  dialling?: Promise<ShimConnection>;
}

export class CcaasRuntime implements ChaincodeRuntime {
  private readonly endpoints = new Map<string, Endpoint>();
  private closed = false;

  constructor(private readonly options: CcaasRuntimeOptions = {}) {}

  async connect(name: string, packageId: string, address: string): Promise<void> {
    this.checkOpen(name);
    const previous = this.endpoints.get(name);
    if (
      previous !== undefined &&
      previous.target.packageId === packageId &&
      previous.target.address === address
    ) {
      // Same server: keep a live stream (and the transactions on it), re-dial a broken one.
      await this.liveConnection(previous);
      return;
    }
    previous?.connection?.close();
    const endpoint: Endpoint = { target: this.dialTarget(name, packageId, address) };
    this.endpoints.set(name, endpoint);
    await this.liveConnection(endpoint);
  }

  async execute(invocation: ChaincodeInvocation): Promise<ChaincodeResult> {
    const name = invocation.chaincodeName;
    this.checkOpen(name);
    const endpoint = this.endpoints.get(name);
    if (endpoint === undefined) {
      throw new ChaincodeShimError(
        'NOT_CONNECTED',
        name,
        `chaincode ${name} has no chaincode server: connect() was not called for it`,
        { txId: invocation.txId },
      );
    }
    const connection = await this.liveConnection(endpoint);
    return connection.execute(invocation);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const endpoint of this.endpoints.values()) endpoint.connection?.close();
    this.endpoints.clear();
    return Promise.resolve();
  }

  /** The open connection, or one dial shared by every caller waiting for it. */
  private liveConnection(endpoint: Endpoint): Promise<ShimConnection> {
    if (endpoint.connection?.isOpen === true) return Promise.resolve(endpoint.connection);
    endpoint.dialling ??= ShimConnection.open(endpoint.target).then(
      (connection) => {
        endpoint.dialling = undefined;
        // close() or a newer connect() may have happened while dialling: do not keep an orphan stream.
        if (this.closed || this.endpoints.get(endpoint.target.name) !== endpoint) {
          connection.close();
          throw new ChaincodeShimError('CLOSED', endpoint.target.name, 'the chaincode runtime was closed');
        }
        endpoint.connection = connection;
        return connection;
      },
      (error: unknown) => {
        endpoint.dialling = undefined;
        throw error;
      },
    );
    return endpoint.dialling;
  }

  private dialTarget(name: string, packageId: string, address: string): DialTarget {
    const tls = this.options.tls;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      ...(tls?.serverNameOverride === undefined
        ? {}
        : { 'grpc.ssl_target_name_override': tls.serverNameOverride }),
    };
    return {
      name,
      packageId,
      address,
      credentials:
        tls === undefined
          ? grpc.credentials.createInsecure()
          : grpc.credentials.createSsl(tls.rootCerts, tls.clientKey ?? null, tls.clientCert ?? null),
      channelOptions,
      dialTimeoutMs: this.options.dialTimeoutMs ?? 10_000,
      onWarning: this.options.onWarning ?? ignoreWarning,
    };
  }

  private checkOpen(name: string): void {
    if (this.closed) throw new ChaincodeShimError('CLOSED', name, 'the chaincode runtime was closed');
  }
}

function ignoreWarning(_message: string): void {
  // Warnings are optional diagnostics; without a sink they are not needed.
}
