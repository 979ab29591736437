/**
 * Blocks of a channel from a start number on: first those already on disk, then each one as it commits. Serves
 * Deliver streams and chaincode events, which may start anywhere in the chain and then follow its tip.
 */
import type { ChannelLedger, CommittedTransaction } from '../ledger/types.js';

export interface FedBlock {
  readonly number: number;
  readonly bytes: Uint8Array;
  /** Present when the block came straight from the committer; read from the bytes otherwise. */
  readonly transactions?: readonly CommittedTransaction[];
}

export class BlockFeed implements AsyncIterable<FedBlock> {
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ledger: ChannelLedger,
    private next: number,
  ) {
    this.unsubscribe = ledger.onCommit(() => {
      this.wake?.();
    });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.wake?.();
  }

  /** Resolves once block `number` is committed (or the feed closes). */
  async waitFor(number: number): Promise<boolean> {
    while (!this.closed && this.ledger.height() <= number) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return !this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FedBlock> {
    try {
      while (await this.waitFor(this.next)) {
        const bytes = await this.ledger.getBlockBytes(this.next);
        if (bytes === undefined) return;
        yield { number: this.next, bytes };
        this.next += 1;
      }
    } finally {
      this.close();
    }
  }
}
