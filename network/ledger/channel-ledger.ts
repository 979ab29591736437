/**
 * A channel's ledger: the injected block store plus the LevelDB world state, kept in step.
 *
 * Commit order is block store first, then the state batch carrying the savepoint. A crash between the two leaves
 * the state one block behind; opening the ledger replays every stored block past the savepoint from its recorded
 * TRANSACTIONS_FILTER (never validating again), so state is never ahead of or behind the blocks.
 * The ledger owns the block store it is given and closes it.
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
  return new LevelChannelLedger(channelId, blockStore, state, policies);
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

  constructor(
    readonly channelId: string,
    private readonly blockStore: BlockStore,
    private readonly state: WorldState,
    private readonly policies: CommitPolicies,
  ) {}

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
    const outcome = await validateBlock(block, this.state, this.policies);
    const stored = withTransactionsFilter(blockBytes, block.metadata, outcome.codes);
    await this.blockStore.append(block.number, stored);
    await this.state.apply(outcome.ops);
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
}
