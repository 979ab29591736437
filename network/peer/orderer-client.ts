/**
 * The peer's connections to its channel's orderer: Broadcast for the gateway's Submit, and the block puller that
 * feeds the ledger (Fabric peers pull blocks from an orderer with a signed Deliver seek, then commit them).
 *
 * Broadcast keeps long-lived streams: the orderer answers each envelope of a stream in order, so a FIFO of pending
 * callers matches responses without a stream per transaction (Fabric's gateway opens one per Submit). The orderer
 * handles a stream's envelopes one after another, so where ordering waits for consensus (Raft: an etcd quorum
 * write per envelope) one stream caps throughput at 1 / consensus latency; the peer then keeps several streams and
 * sends each envelope on the least busy one.
 */
import { credentials, type ChannelCredentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/types.js';
import { seekFrom } from '../protocol/signed-envelope.js';

export interface OrdererEndpoint {
  readonly address: string;
  readonly mspId: string;
  /** PEM of the orderer's TLS CA; plaintext when absent. */
  readonly tlsRootCertPem?: string;
  /** TLS server name to expect (the orderer's host name in its certificate). */
  readonly hostAlias?: string;
}

type Pending = { resolve: (response: orderer.BroadcastResponse) => void; reject: (error: Error) => void };

const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export function ordererClient(endpoint: OrdererEndpoint): orderer.AtomicBroadcastClient {
  const channelCredentials: ChannelCredentials =
    endpoint.tlsRootCertPem === undefined
      ? credentials.createInsecure()
      : credentials.createSsl(Buffer.from(endpoint.tlsRootCertPem));
  const options: Record<string, unknown> = {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  };
  if (endpoint.hostAlias !== undefined) options['grpc.ssl_target_name_override'] = endpoint.hostAlias;
  return new orderer.AtomicBroadcastClient(endpoint.address, channelCredentials, options);
}

export class Broadcaster {
  private readonly streams: BroadcastStream[];

  constructor(client: orderer.AtomicBroadcastClient, streams = 1) {
    this.streams = Array.from({ length: Math.max(1, streams) }, () => new BroadcastStream(client));
  }

  /** Sends one envelope on the stream with the fewest unanswered envelopes. */
  send(envelope: common.Envelope): Promise<orderer.BroadcastResponse> {
    let chosen = this.streams[0];
    for (const stream of this.streams)
      if (chosen === undefined || stream.inFlight < chosen.inFlight) chosen = stream;
    if (chosen === undefined) return Promise.reject(new Error('broadcast client has no stream'));
    return chosen.send(envelope);
  }

  close(): void {
    for (const stream of this.streams) stream.close();
  }
}

class BroadcastStream {
  private stream: ClientDuplexStream<common.Envelope, orderer.BroadcastResponse> | undefined;
  private readonly pending: Pending[] = [];

  constructor(private readonly client: orderer.AtomicBroadcastClient) {}

  get inFlight(): number {
    return this.pending.length;
  }

  /** Sends one envelope; resolves with the orderer's response, rejects when the stream breaks. */
  send(envelope: common.Envelope): Promise<orderer.BroadcastResponse> {
    const stream = this.openStream();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      stream.write(envelope);
    });
  }

  close(): void {
    this.stream?.end();
    this.fail(new Error('broadcast client closed'));
  }

  private openStream(): ClientDuplexStream<common.Envelope, orderer.BroadcastResponse> {
    if (this.stream !== undefined) return this.stream;
    const stream = this.client.broadcast();
    stream.on('data', (response: orderer.BroadcastResponse) => {
      this.pending.shift()?.resolve(response);
    });
    const broken = (error: Error) => {
      if (this.stream === stream) this.stream = undefined;
      this.fail(error);
    };
    stream.on('error', broken);
    stream.on('end', () => {
      broken(new Error('orderer closed the broadcast stream'));
    });
    this.stream = stream;
    return stream;
  }

  private fail(error: Error): void {
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}

export interface BlockPullerOptions {
  readonly channelId: string;
  readonly signer: SigningIdentity;
  /** Height to resume from, read afresh at every (re)connect. */
  readonly height: () => number;
  /** Commits one block; the puller waits for it before taking the next. */
  readonly commit: (blockBytes: Uint8Array) => Promise<void>;
  readonly onError: (error: Error) => void;
  readonly retryMs?: number;
}

/**
 * Pulls blocks for ever (until stop), reconnecting after failures, committing them in order. Given several
 * orderers (Raft), each reconnect goes to the next one, as Fabric's peer switches orderer when its source fails.
 */
export class BlockPuller {
  private stopped = false;
  private stream: ClientDuplexStream<common.Envelope, orderer.DeliverResponse> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly clients: readonly orderer.AtomicBroadcastClient[];
  private current = 0;

  constructor(
    clients: orderer.AtomicBroadcastClient | readonly orderer.AtomicBroadcastClient[],
    private readonly options: BlockPullerOptions,
  ) {
    this.clients = Array.isArray(clients) ? clients : [clients as orderer.AtomicBroadcastClient];
  }

  /** Index of the orderer blocks are pulled from now. */
  get source(): number {
    return this.current;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.cancel();
  }

  private connect(): void {
    if (this.stopped) return;
    const client = this.clients[this.current % this.clients.length];
    if (client === undefined) throw new Error('block puller has no orderer');
    const stream = client.deliver();
    this.stream = stream;
    let expected = this.options.height();
    let retried = false;
    const retry = (error: Error) => {
      if (retried || this.stopped) return;
      retried = true;
      this.options.onError(error);
      stream.cancel();
      this.current = (this.current + 1) % this.clients.length;
      setTimeout(() => {
        // Restart from the ledger's height once every block already received is committed.
        void this.queue.then(() => {
          this.connect();
        });
      }, this.options.retryMs ?? 500);
    };
    stream.on('data', (response: orderer.DeliverResponse) => {
      const block = response.getBlock();
      if (block === undefined) {
        retry(new Error(`orderer ended delivery with status ${response.getStatus()}`));
        return;
      }
      const number = block.getHeader()?.getNumber() ?? -1;
      if (number !== expected) {
        retry(new Error(`orderer delivered block ${number}, expected ${expected}`));
        return;
      }
      expected += 1;
      const bytes = block.serializeBinary();
      this.queue = this.queue
        .then(() => this.options.commit(bytes))
        .catch((error: unknown) => {
          retry(error instanceof Error ? error : new Error(String(error)));
        });
    });
    stream.on('error', (error: Error) => {
      retry(error);
    });
    stream.on('end', () => {
      retry(new Error('orderer closed the deliver stream'));
    });
    stream.write(seekFrom(this.options.channelId, expected, this.options.signer));
  }
}
