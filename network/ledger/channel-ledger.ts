/**
 * A channel's ledger: the injected block store plus the LevelDB world state, kept in step.
 *
 * Commit order is block store first, then the state batch carrying the savepoint. A crash between the two leaves
 * the state one block behind; opening the ledger replays every stored block past the savepoint from its recorded
 * TRANSACTIONS_FILTER (never validating again), so state is never ahead of or behind the blocks.
 * The ledger owns the block store it is given and closes it.
 *
 * A write that fails (disk full, read-only file system) refuses the block and keeps the ledger consistent instead of
 * crashing the peer, as Fabric's does: a failed block append leaves the store as it was (the block store cuts its
 * file back), so the same block can be committed again; a failed state batch after a stored block marks the state
 * stale, and it is rebuilt from the block store (LevelDB refuses every write after a failed one until reopened) by
 * reopening and replaying, before the next commit and every RECOVERY_RETRY_MS meanwhile. Until a commit or that
 * rebuild succeeds, `commitFailure()` says why, so the peer can report it and refuse new transactions.
 */
import { validateBlock, replayBlock } from './block-validator.js';
import { LedgerError } from './ledger-error.js';
import { stateFingerprint } from './state-fingerprint.js';
import {
  checkDataHash,
  decodeBlock,
  readTransactionsFilter,
  withTransactionsFilter,
} from './transactions-filter.js';
import type {
  BlockStore,
  ChannelLedger,
  CommitPolicies,
  CommittedBlock,
  HistoryEntry,
  StateEntry,
  TxValidationCodeValue,
  VersionedValue,
} from './types.js';
import { WorldState } from './world-state.js';

/** How often a stale state is rebuilt from the block store while no block arrives to trigger it. */
const RECOVERY_RETRY_MS = 1000;

export async function openChannelLedger(
  dir: string,
  channelId: string,
  blockStore: BlockStore,
  policies: CommitPolicies,
): Promise<LevelChannelLedger> {
  const state = await WorldState.open(dir);
  try {
    await catchUp(state, blockStore);
  } catch (error) {
    await state.close();
    throw error;
  }
  return new LevelChannelLedger(channelId, blockStore, state, policies, dir);
}

/** Replays the stored blocks the state has not applied yet. */
async function catchUp(state: WorldState, blockStore: BlockStore): Promise<void> {
  const savepoint = (await state.savepoint()) ?? -1;
  const height = blockStore.height();
  if (savepoint >= height) {
    throw new LedgerError(
      'LEDGER_STATE_AHEAD',
      `the state database has applied block ${savepoint} but the block store holds only ${height} blocks`,
    );
  }
  for (let number = savepoint + 1; number < height; number++) {
    const bytes = await blockStore.get(number);
    if (bytes === undefined) {
      throw new LedgerError(
        'LEDGER_MISSING_BLOCK',
        `block ${number} is missing from the block store (height ${height})`,
      );
    }
    const block = decodeBlock(bytes);
    if (block.number !== number) {
      throw new LedgerError(
        'LEDGER_BAD_BLOCK',
        `the block stored at ${number} says it is block ${block.number}`,
      );
    }
    const outcome = await replayBlock(block, readTransactionsFilter(block), state);
    await state.apply(outcome.ops);
  }
}

export class LevelChannelLedger implements ChannelLedger {
  private readonly listeners = new Set<(block: CommittedBlock) => void>();
  /** Commits run one at a time, in call order. */
  private commitChain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Why the last commit (or state rebuild) failed; cleared by the next that succeeds. */
  private failure: LedgerError | undefined;
  /** The block store holds a block whose state batch failed: reopen the state and replay before going on. */
  private stateStale = false;
  private recoveryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly channelId: string,
    private readonly blockStore: BlockStore,
    private state: WorldState,
    private readonly policies: CommitPolicies,
    /** The state database's folder, for the rebuild after a failed write. */
    private readonly stateDir?: string,
  ) {}

  commitFailure(): LedgerError | undefined {
    return this.failure;
  }

  height(): number {
    return this.blockStore.height();
  }

  getBlockBytes(number: number): Promise<Uint8Array | undefined> {
    return this.blockStore.get(number);
  }

  async getTxStatus(txId: string): Promise<{ blockNum: number; code: TxValidationCodeValue } | undefined> {
    const record = await this.state.getTxIdRecord(txId);
    return record === undefined ? undefined : { blockNum: record.blockNum, code: record.code };
  }

  getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.state.getState(namespace, key);
  }

  getStateRange(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    return this.state.getStateRange(namespace, startKey, endKey);
  }

  getHistory(namespace: string, key: string): AsyncIterable<HistoryEntry> {
    return this.state.getHistory(namespace, key);
  }

  getStateMetadata(namespace: string, key: string): Promise<Record<string, Uint8Array> | undefined> {
    return this.state.getStateMetadata(namespace, key);
  }

  commitBlock(blockBytes: Uint8Array): Promise<CommittedBlock> {
    const result = this.commitChain.then(() => this.commitNow(blockBytes));
    this.commitChain = result.catch(() => undefined); // one failed commit must not wedge the next
    return result;
  }

  onCommit(listener: (block: CommittedBlock) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** SHA-256 over the whole state database; equal on two peers that committed the same blocks. */
  async stateFingerprint(): Promise<string> {
    await this.commitChain;
    return stateFingerprint(this.state);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.recoveryTimer);
    await this.commitChain;
    await this.state.close();
    await this.blockStore.close();
  }

  private async commitNow(blockBytes: Uint8Array): Promise<CommittedBlock> {
    if (this.closed)
      throw new LedgerError('LEDGER_CLOSED', `the ledger of channel ${this.channelId} is closed`);
    const block = decodeBlock(blockBytes);
    // The envelopes are what the validation reads; a block whose data does not match its header is refused whole.
    checkDataHash(block);
    const expected = this.blockStore.height();
    if (block.number !== expected) {
      throw new LedgerError(
        'LEDGER_OUT_OF_ORDER',
        `block ${block.number} cannot be committed on channel ${this.channelId}: the next block is ${expected}`,
      );
    }
    if (this.stateStale) await this.rebuildState();
    const outcome = await validateBlock(block, this.state, this.policies);
    const stored = withTransactionsFilter(blockBytes, block.metadata, outcome.codes);
    // The caller gets the store's own error; commitFailure() keeps what it means for the channel.
    try {
      await this.blockStore.append(block.number, stored);
    } catch (error) {
      this.failed(`block ${block.number} was not stored`, error);
      throw error;
    }
    try {
      await this.state.apply(outcome.ops);
    } catch (error) {
      this.stateStale = true;
      this.scheduleRecovery();
      this.failed(
        `block ${block.number} is stored but its state update failed; the state is rebuilt from the block store`,
        error,
      );
      throw error;
    }
    this.failure = undefined;
    const committed: CommittedBlock = {
      number: block.number,
      blockBytes: stored,
      transactions: outcome.transactions,
    };
    for (const listener of this.listeners) {
      try {
        listener(committed);
      } catch (error) {
        // A listener's failure is its own: the block is committed, and the other listeners must still hear of it.
        process.emitWarning(`ledger commit listener failed on block ${block.number}: ${String(error)}`);
      }
    }
    return committed;
  }

  private failed(what: string, cause: unknown): LedgerError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.failure = new LedgerError('LEDGER_WRITE_FAILED', `channel ${this.channelId}: ${what}: ${reason}`, {
      cause,
    });
    return this.failure;
  }

  /** What a restarted peer does on open, without the restart: a fresh LevelDB handle caught up from the blocks. */
  private async rebuildState(): Promise<void> {
    if (this.stateDir === undefined)
      throw new LedgerError('LEDGER_WRITE_FAILED', `channel ${this.channelId}: the state is stale`);
    try {
      await this.state.close();
      const state = await WorldState.open(this.stateDir);
      try {
        await catchUp(state, this.blockStore);
      } catch (error) {
        await state.close();
        throw error;
      }
      this.state = state;
      this.stateStale = false;
      this.failure = undefined;
    } catch (error) {
      throw this.failed('the state could not be rebuilt from the block store', error);
    }
  }

  private scheduleRecovery(): void {
    if (this.closed || this.recoveryTimer !== undefined) return;
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = undefined;
      const attempt = this.commitChain.then(async () => {
        if (!this.closed && this.stateStale) await this.rebuildState();
      });
      this.commitChain = attempt.catch(() => {
        this.scheduleRecovery(); // still failing (disk still full): try again later
      });
    }, RECOVERY_RETRY_MS);
    this.recoveryTimer.unref();
  }
}
