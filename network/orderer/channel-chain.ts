/**
 * One channel on the orderer: consumes its ordering log through the block cutter, makes and signs blocks, appends
 * them to the block store (one fsync per block, never per message) and wakes Deliver streams waiting for them.
 * Block making is synchronous in the consumer (numbers and previous hashes are fixed in log order); store appends
 * are chained, so the cutter keeps filling the next batch while the last block is being synced.
 */
import { orderer } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/types.js';
import type { BlockStore } from '../ledger/types.js';
import { buildBlock } from '../protocol/block-builder.js';
import type { DecodedChannelConfig } from '../protocol/channel-config-decode.js';
import { BlockCutter } from './block-cutter.js';
import type { OrdererMetrics } from './metrics.js';
import type { OrderingEntry, OrderingLog } from './ordering-log.js';

export interface ChainTip {
  /** Number of the next block to make (the store's height on start). */
  readonly nextNumber: number;
  /** Header hash of the last stored block. */
  readonly lastHeaderHash: Uint8Array;
  readonly lastConfigIndex: number;
  /** Replicated log position the last block was cut at (0 in-process): replay resumes after it. */
  readonly logPosition?: number;
}

export interface ChannelChainOptions {
  readonly channelId: string;
  readonly config: DecodedChannelConfig;
  /** Owned by the chain from here on: close() closes it. */
  readonly store: BlockStore;
  readonly log: OrderingLog;
  readonly signer: SigningIdentity;
  readonly tip: ChainTip;
  readonly metrics?: OrdererMetrics;
  /** Called once if a block cannot be stored; the chain then refuses new work. */
  readonly onError?: (error: Error) => void;
}

export class ChainHaltedError extends Error {
  readonly code = 'CHAIN_HALTED';
  constructor(channelId: string, cause: unknown) {
    super(
      `[channel: ${channelId}] ordering halted: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'ChainHaltedError';
  }
}

export class ChannelChain {
  readonly channelId: string;
  readonly config: DecodedChannelConfig;
  private readonly cutter: BlockCutter;
  private nextNumber: number;
  private lastHeaderHash: Uint8Array;
  private readonly lastConfigIndex: number;
  private timer: NodeJS.Timeout | undefined;
  private batchStartedAt = 0;
  private writes: Promise<void> = Promise.resolve();
  private waiters: { height: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private halted: ChainHaltedError | undefined;
  private closed = false;
  /** Log position of the newest entry folded into a block (replicated logs only). */
  private logPosition: number;

  constructor(private readonly options: ChannelChainOptions) {
    this.channelId = options.channelId;
    this.config = options.config;
    this.cutter = new BlockCutter(options.config.batch);
    this.nextNumber = options.tip.nextNumber;
    this.lastHeaderHash = options.tip.lastHeaderHash;
    this.lastConfigIndex = options.tip.lastConfigIndex;
    this.logPosition = options.tip.logPosition ?? 0;
    options.metrics?.set('ledger_blockchain_height', { channel: this.channelId }, options.store.height());
    options.log.consume((entry) => {
      this.onEntry(entry);
    });
  }

  /** Why the chain stopped, if it did (a failed store append); Broadcast then answers SERVICE_UNAVAILABLE. */
  get error(): Error | undefined {
    return this.halted;
  }

  height(): number {
    return this.options.store.height();
  }

  getBlock(number: number): Promise<Uint8Array | undefined> {
    return this.options.store.get(number);
  }

  /** Hands an accepted envelope to the ordering log. `size` is len(payload) + len(signature). */
  order(envelope: Uint8Array, size: number): Promise<void> {
    if (this.halted) return Promise.reject(this.halted);
    return this.options.log.append({ kind: 'envelope', envelope, size });
  }

  /** Resolves once the chain's height exceeds `number`; rejects when the chain halts or closes, or on `signal`. */
  waitForBlock(number: number, signal?: AbortSignal): Promise<void> {
    if (this.height() > number) return Promise.resolve();
    if (this.halted) return Promise.reject(this.halted);
    return new Promise<void>((resolve, reject) => {
      // The abort listener must go once the waiter settles: a Deliver stream waits once per block on one signal.
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('wait for block aborted'));
      };
      const waiter = {
        height: number + 1,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private onEntry(entry: OrderingEntry): void {
    if (this.halted || this.closed) return;
    // A replayed entry already inside a stored block (a restart re-reads the log from the last block's position).
    if (entry.position !== undefined && entry.position <= this.logPosition) return;
    if (entry.kind === 'time-to-cut') {
      if (entry.blockNumber === this.nextNumber && this.cutter.pendingCount > 0)
        this.makeBlock(this.cutter.cut(), entry.position);
      return;
    }
    if (this.cutter.pendingCount === 0) this.batchStartedAt = performance.now();
    const batches = [...this.cutter.ordered({ envelope: entry.envelope, size: entry.size })];
    batches.forEach((batch, index) => {
      // Fabric's cutter leaves at most the entry at hand pending after a cut; while it is pending, the block's
      // position stops just before it, so a replica replaying from that position puts it in the same next block.
      const entryInBlock = index === batches.length - 1 && this.cutter.pendingCount === 0;
      const position = entry.position === undefined ? undefined : entry.position - (entryInBlock ? 0 : 1);
      this.makeBlock(batch, position);
    });
    if (this.cutter.pendingCount > 0 && !this.timer) {
      const blockNumber = this.nextNumber;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.options.log.append({ kind: 'time-to-cut', blockNumber }).catch(() => undefined);
      }, this.config.batch.batchTimeoutMs);
    }
  }

  private makeBlock(envelopes: Uint8Array[], position?: number): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.options.metrics?.set(
      'blockcutter_block_fill_duration',
      { channel: this.channelId },
      (performance.now() - this.batchStartedAt) / 1000,
    );
    this.batchStartedAt = performance.now();
    const built = buildBlock({
      number: this.nextNumber,
      previousHash: this.lastHeaderHash,
      envelopes,
      lastConfigIndex: this.lastConfigIndex,
      signer: this.options.signer,
      consenterMetadata: position === undefined ? undefined : raftMetadata(position),
    });
    if (position !== undefined) this.logPosition = position;
    this.nextNumber++;
    this.lastHeaderHash = built.headerHash;
    this.writes = this.writes.then(async () => {
      if (this.halted) return;
      try {
        await this.options.store.append(built.number, built.bytes);
      } catch (error) {
        this.halt(error);
        return;
      }
      this.options.metrics?.set('ledger_blockchain_height', { channel: this.channelId }, this.height());
      this.wake();
    });
  }

  private wake(): void {
    const height = this.height();
    const ready = this.waiters.filter((w) => w.height <= height);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.height > height);
    for (const waiter of ready) waiter.resolve();
  }

  private halt(cause: unknown): void {
    this.halted = new ChainHaltedError(this.channelId, cause);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.halted);
    this.options.onError?.(this.halted);
  }

  /** Cuts what is pending (those clients were told SUCCESS), writes it out, then stops. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    // A replicated log keeps the pending entries; cutting them here would make a block the other replicas lack.
    if (!this.closed && !this.halted && !this.options.log.replicated && this.cutter.pendingCount > 0)
      this.makeBlock(this.cutter.cut());
    this.closed = true;
    await this.options.log.close();
    await this.writes;
    await this.options.store.close();
    for (const waiter of this.waiters.splice(0))
      waiter.reject(new Error(`[channel: ${this.channelId}] orderer is shutting down`));
  }
}

/** etcdraft.BlockMetadata with only raft_index: the position consensus had reached when the block was cut. */
function raftMetadata(position: number): Uint8Array {
  const metadata = new orderer.etcdraft.BlockMetadata();
  metadata.setRaftIndex(position);
  return metadata.serializeBinary();
}
