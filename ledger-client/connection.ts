/**
 * Connections to Fabric peers. One gRPC client per peer endpoint is shared by every identity (the gateway serves
 * many users over the same peer connection); each identity gets its own lightweight Gateway over it. Every call
 * type has an explicit deadline, and keepalive pings are spaced ≥ 60 s because a Fabric peer's default keepalive
 * enforcement (minInterval 60 s) answers more frequent pings with GOAWAY "too_many_pings".
 */
import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type ConnectOptions,
  type Contract,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import { CHAINCODE_NAME, CHANNEL_NAME } from '../common/ehr-contract.js';

export interface PeerEndpoint {
  /** host:port, e.g. 127.0.0.1:7051. */
  address: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  tlsRootCertPem: string | Uint8Array;
  /** The name in the peer's TLS certificate when it differs from the host in `address` (e.g. peer0.org1.example.com). */
  hostAlias?: string;
}

export interface UserCredentials {
  mspId: string;
  /** PEM of the enrolment certificate (carries the `role` / `patientId` attributes the chaincode reads). */
  certificatePem: string | Uint8Array;
  /** PEM of the certificate's private key. */
  privateKeyPem: string | Uint8Array;
}

export interface CallDeadlinesMs {
  evaluate: number;
  endorse: number;
  submit: number;
  commitStatus: number;
}

export const DEFAULT_DEADLINES_MS: Readonly<CallDeadlinesMs> = Object.freeze({
  evaluate: 5_000,
  endorse: 15_000,
  submit: 5_000,
  commitStatus: 60_000,
});

export const KEEPALIVE_TIME_MS = 120_000;
export const KEEPALIVE_TIMEOUT_MS = 20_000;

export function grpcChannelOptions(endpoint: PeerEndpoint): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
    'grpc.keepalive_permit_without_calls': 1,
    // A CreateRecords batch of 1000 FHIR resources is several MB; gRPC's 4 MB default is too small.
    'grpc.max_send_message_length': 100 * 1024 * 1024,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
  };
  if (endpoint.hostAlias !== undefined) options['grpc.ssl_target_name_override'] = endpoint.hostAlias;
  return options;
}

export function newGrpcClient(endpoint: PeerEndpoint): grpc.Client {
  const credentials = grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCertPem));
  return new grpc.Client(endpoint.address, credentials, grpcChannelOptions(endpoint));
}

/** One shared gRPC client per endpoint address; close() closes them all. */
export class PeerClients {
  private readonly clients = new Map<string, grpc.Client>();

  clientFor(endpoint: PeerEndpoint): grpc.Client {
    let client = this.clients.get(endpoint.address);
    if (client === undefined) {
      client = newGrpcClient(endpoint);
      this.clients.set(endpoint.address, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** Per-call deadlines as fabric-gateway wants them: a function, so each call gets a fresh deadline. */
export function deadlineOptions(
  deadlines: CallDeadlinesMs,
  now: () => number = Date.now,
): Pick<ConnectOptions, 'evaluateOptions' | 'endorseOptions' | 'submitOptions' | 'commitStatusOptions'> {
  return {
    evaluateOptions: () => ({ deadline: now() + deadlines.evaluate }),
    endorseOptions: () => ({ deadline: now() + deadlines.endorse }),
    submitOptions: () => ({ deadline: now() + deadlines.submit }),
    commitStatusOptions: () => ({ deadline: now() + deadlines.commitStatus }),
  };
}

/** A Gateway for one user over a shared client. Closing it does not close the client. */
export function connectIdentity(
  client: grpc.Client,
  credentials: UserCredentials,
  deadlines: CallDeadlinesMs = DEFAULT_DEADLINES_MS,
): Gateway {
  return connect({
    client,
    identity: { mspId: credentials.mspId, credentials: Buffer.from(credentials.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(Buffer.from(credentials.privateKeyPem))),
    hash: hash.sha256,
    ...deadlineOptions(deadlines),
  });
}

export function ehrContract(
  gateway: Gateway,
  channelName = CHANNEL_NAME,
  chaincodeName = CHAINCODE_NAME,
): Contract {
  return gateway.getNetwork(channelName).getContract(chaincodeName);
}
