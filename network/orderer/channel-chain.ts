/**
 * One channel on the orderer: consumes its ordering log through the block cutter, makes and signs blocks, appends
 * them to the block store (one fsync per block, never per message) and wakes Deliver streams waiting for them.
 * Block making is synchronous in the consumer (numbers and previous hashes are fixed in log order); store appends
 * are chained, so the cutter keeps filling the next batch while the last block is being synced.
 */
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

  constructor(private readonly options: ChannelChainOptions) {
    this.channelId = options.channelId;
    this.config = options.config;
    this.cutter = new BlockCutter(options.config.batch);
    this.nextNumber = options.tip.nextNumber;
    this.lastHeaderHash = options.tip.lastHeaderHash;
    this.lastConfigIndex = options.tip.lastConfigIndex;
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
    if (entry.kind === 'time-to-cut') {
      if (entry.blockNumber === this.nextNumber && this.cutter.pendingCount > 0)
        this.makeBlock(this.cutter.cut());
      return;
    }
    if (this.cutter.pendingCount === 0) this.batchStartedAt = performance.now();
    for (const batch of this.cutter.ordered({ envelope: entry.envelope, size: entry.size }))
      this.makeBlock(batch);
    if (this.cutter.pendingCount > 0 && !this.timer) {
      const blockNumber = this.nextNumber;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.options.log.append({ kind: 'time-to-cut', blockNumber }).catch(() => undefined);
      }, this.config.batch.batchTimeoutMs);
    }
  }

  private makeBlock(envelopes: Uint8Array[]): void {
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
    });
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
    if (!this.closed && !this.halted && this.cutter.pendingCount > 0) this.makeBlock(this.cutter.cut());
    this.closed = true;
    await this.options.log.close();
    await this.writes;
    await this.options.store.close();
    for (const waiter of this.waiters.splice(0))
      waiter.reject(new Error(`[channel: ${this.channelId}] orderer is shutting down`));
  }
}
