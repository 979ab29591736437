/**
 * Blocking CommitStatus: callers wait for a transaction id until the ledger commits it. Waiters are registered
 * before the ledger is asked, so a commit that lands between the two is never missed. When the ledger cannot commit
 * (disk full, read-only), `failAll` tells every waiter now rather than at its deadline.
 */
import type { ChannelLedger, CommittedBlock, TxValidationCodeValue } from '../ledger/types.js';

export interface CommitOutcome {
  readonly code: TxValidationCodeValue;
  readonly blockNum: number;
}

interface Waiter {
  readonly resolve: (outcome: CommitOutcome) => void;
  readonly reject: (error: Error) => void;
}

export class CommitWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly ledger: ChannelLedger) {
    this.unsubscribe = ledger.onCommit((block) => {
      this.settle(block);
    });
  }

  /** Resolves with the commit outcome; rejects with `signal`'s reason when the caller gives up. */
  async wait(txId: string, signal: AbortSignal): Promise<CommitOutcome> {
    let waiter!: Waiter;
    const arrived = new Promise<CommitOutcome>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    // Observed here so a failure before the ledger answers is not an unhandled rejection; awaited below.
    arrived.catch(() => undefined);
    let set = this.waiting.get(txId);
    if (set === undefined) {
      set = new Set();
      this.waiting.set(txId, set);
    }
    set.add(waiter);
    const forget = () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiting.get(txId) === set) this.waiting.delete(txId);
    };
    try {
      const known = await this.ledger.getTxStatus(txId);
      if (known !== undefined) return known;
      return await new Promise<CommitOutcome>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const onAbort = () => {
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        arrived.then(
          (outcome) => {
            signal.removeEventListener('abort', onAbort);
            resolve(outcome);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    } finally {
      forget();
    }
  }

  /** Rejects every waiter with `error`: the ledger could not commit, so their outcome is unknown for now. */
  failAll(error: Error): void {
    const sets = [...this.waiting.values()];
    this.waiting.clear();
    for (const set of sets) for (const waiter of set) waiter.reject(error);
  }

  close(): void {
    this.unsubscribe();
    this.waiting.clear();
  }

  private settle(block: CommittedBlock): void {
    if (this.waiting.size === 0) return;
    for (const tx of block.transactions) {
      const set = this.waiting.get(tx.txId);
      if (set === undefined) continue;
      // The first commit of a tx id is its outcome; a later duplicate is DUPLICATE_TXID and must not override it.
      this.waiting.delete(tx.txId);
      for (const waiter of set) waiter.resolve({ code: tx.code, blockNum: block.number });
    }
  }
}
