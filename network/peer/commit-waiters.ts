/**
 * Blocking CommitStatus: callers wait for a transaction id until the ledger commits it. Waiters are registered
 * before the ledger is asked, so a commit that lands between the two is never missed.
 */
import type { ChannelLedger, CommittedBlock, TxValidationCodeValue } from '../ledger/types.js';

export interface CommitOutcome {
  readonly code: TxValidationCodeValue;
  readonly blockNum: number;
}

export class CommitWaiters {
  private readonly waiting = new Map<string, Set<(outcome: CommitOutcome) => void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly ledger: ChannelLedger) {
    this.unsubscribe = ledger.onCommit((block) => {
      this.settle(block);
    });
  }

  /** Resolves with the commit outcome; rejects with `signal`'s reason when the caller gives up. */
  async wait(txId: string, signal: AbortSignal): Promise<CommitOutcome> {
    let resolveOutcome!: (outcome: CommitOutcome) => void;
    const arrived = new Promise<CommitOutcome>((resolve) => {
      resolveOutcome = resolve;
    });
    let set = this.waiting.get(txId);
    if (set === undefined) {
      set = new Set();
      this.waiting.set(txId, set);
    }
    set.add(resolveOutcome);
    const forget = () => {
      set.delete(resolveOutcome);
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
        void arrived.then((outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        });
      });
    } finally {
      forget();
    }
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
      for (const resolve of set) resolve({ code: tx.code, blockNum: block.number });
    }
  }
}
