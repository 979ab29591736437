/** Test-only BlockStore in memory. */
import type { BlockStore } from '../../ledger/types.js';

/** A BlockStore in memory, with a switch to make appends fail like a full disk. */
export class MemoryBlockStore implements BlockStore {
  readonly blocks: Uint8Array[] = [];
  failAppends = false;
  height(): number {
    return this.blocks.length;
  }
  append(number: number, bytes: Uint8Array): Promise<void> {
    if (this.failAppends) return Promise.reject(new Error('ENOSPC: no space left on device'));
    if (number !== this.blocks.length)
      return Promise.reject(new Error(`block ${number} at height ${this.blocks.length}`));
    this.blocks.push(bytes);
    return Promise.resolve();
  }
  get(number: number): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.blocks[number]);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
