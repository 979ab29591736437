/**
 * An ordering log replicated by etcd's Raft (the etcd-server cluster the paper profile runs, one member per
 * orderer): Broadcast's entries are puts to one key per channel, and every orderer watches that key's history, so
 * all of them consume the same entries in the same order — the etcd revision — and cut the same blocks. The put is
 * acknowledged once a quorum of etcd members has it (Raft commit), which is when Broadcast answers SUCCESS.
 *
 * It speaks etcd v3's JSON gateway (`/v3/kv/put`, `/v3/watch`) over HTTP on loopback, so no etcd client package is
 * needed. Consensus is etcd's; this file only encodes entries and follows the watch stream.
 */
import { OrderingLogClosedError, type OrderingEntry, type OrderingLog } from './ordering-log.js';

export interface EtcdOrderingLogOptions {
  /** The orderer's own etcd member, e.g. http://127.0.0.1:2379. */
  readonly clientUrl: string;
  readonly channelId: string;
  /** Log position (etcd revision) the stored chain's last block was cut at; reading starts after it. */
  readonly resumeAfter: number;
  /** Deadline for one append: without a quorum etcd holds the put, Broadcast must answer instead. */
  readonly appendTimeoutMs?: number;
  readonly reconnectMs?: number;
  readonly onError?: (error: Error) => void;
}

/** The replicated log cannot take the entry now: no quorum, no leader, or the local member is down. */
export class RaftUnavailableError extends Error {
  readonly code = 'RAFT_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RaftUnavailableError';
  }
}

const ENVELOPE = 0;
const TIME_TO_CUT = 1;

export function encodeEntry(entry: OrderingEntry): Buffer {
  if (entry.kind === 'time-to-cut') {
    const bytes = Buffer.alloc(9);
    bytes[0] = TIME_TO_CUT;
    bytes.writeBigUInt64BE(BigInt(entry.blockNumber), 1);
    return bytes;
  }
  const head = Buffer.alloc(5);
  head[0] = ENVELOPE;
  head.writeUInt32BE(entry.size, 1);
  return Buffer.concat([head, entry.envelope]);
}

export function decodeEntry(bytes: Buffer, position: number): OrderingEntry {
  if (bytes[0] === TIME_TO_CUT && bytes.length === 9) {
    return { kind: 'time-to-cut', blockNumber: Number(bytes.readBigUInt64BE(1)), position };
  }
  if (bytes[0] === ENVELOPE && bytes.length >= 5) {
    return { kind: 'envelope', size: bytes.readUInt32BE(1), envelope: bytes.subarray(5), position };
  }
  throw new Error(`ordering log entry at revision ${position} is not an entry this orderer wrote`);
}

interface WatchMessage {
  readonly result?: {
    readonly events?: readonly {
      readonly type?: string;
      readonly kv?: { mod_revision?: string; value?: string };
    }[];
    readonly compact_revision?: string;
    readonly canceled?: boolean;
    readonly cancel_reason?: string;
  };
  readonly error?: { readonly message?: string };
}

export class EtcdOrderingLog implements OrderingLog {
  readonly replicated = true;
  private readonly key: string;
  private readonly stop = new AbortController();
  private consumer: ((entry: OrderingEntry) => void) | undefined;
  private lastPosition: number;
  private closed = false;

  constructor(private readonly options: EtcdOrderingLogOptions) {
    this.key = Buffer.from(`/fhirledger/ordering/${options.channelId}`).toString('base64');
    this.lastPosition = options.resumeAfter;
  }

  async append(entry: OrderingEntry): Promise<void> {
    if (this.closed) throw new OrderingLogClosedError();
    const body = JSON.stringify({ key: this.key, value: encodeEntry(entry).toString('base64') });
    let response: Response;
    try {
      response = await fetch(`${this.options.clientUrl}/v3/kv/put`, {
        method: 'POST',
        body,
        signal: AbortSignal.any([
          this.stop.signal,
          AbortSignal.timeout(this.options.appendTimeoutMs ?? 5000),
        ]),
      });
    } catch (error) {
      throw new RaftUnavailableError(
        `no Raft quorum accepted the entry within ${this.options.appendTimeoutMs ?? 5000} ms (etcd member ${this.options.clientUrl}: ${describe(error)})`,
        { cause: error },
      );
    }
    if (!response.ok) {
      throw new RaftUnavailableError(
        `etcd member ${this.options.clientUrl} refused the entry: ${response.status} ${await response.text()}`,
      );
    }
    await response.arrayBuffer();
  }

  consume(consumer: (entry: OrderingEntry) => void): void {
    this.consumer = consumer;
    void this.follow();
  }

  close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    return Promise.resolve();
  }

  /** Watches the key from the next unread revision for ever, reconnecting after a broken stream. */
  private async follow(): Promise<void> {
    while (!this.closed) {
      try {
        await this.watchOnce();
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.reconnectMs ?? 500));
    }
  }

  private async watchOnce(): Promise<void> {
    const response = await fetch(`${this.options.clientUrl}/v3/watch`, {
      method: 'POST',
      body: JSON.stringify({
        create_request: { key: this.key, start_revision: String(this.lastPosition + 1) },
      }),
      signal: this.stop.signal,
    });
    if (!response.ok || response.body === null)
      throw new Error(`etcd watch answered ${response.status} ${response.statusText}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') this.onMessage(JSON.parse(line) as WatchMessage);
        newline = buffered.indexOf('\n');
      }
    }
    throw new Error('etcd closed the watch stream');
  }

  private onMessage(message: WatchMessage): void {
    if (message.error !== undefined) throw new Error(`etcd watch error: ${message.error.message ?? ''}`);
    const result = message.result;
    if (result === undefined) return;
    if (result.compact_revision !== undefined && result.compact_revision !== '0') {
      throw new Error(
        `etcd compacted the ordering log past revision ${this.lastPosition + 1}; this orderer cannot catch up from it`,
      );
    }
    if (result.canceled === true) throw new Error(`etcd cancelled the watch: ${result.cancel_reason ?? ''}`);
    for (const event of result.events ?? []) {
      if (event.type === 'DELETE' || event.kv?.mod_revision === undefined) continue;
      const position = Number(event.kv.mod_revision);
      if (position <= this.lastPosition) continue;
      this.lastPosition = position;
      this.consumer?.(decodeEntry(Buffer.from(event.kv.value ?? '', 'base64'), position));
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
