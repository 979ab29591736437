/**
 * Test-only BlockStore in memory. `crashAfterNextAppend` makes the next append store the block and then fail, the
 * way a peer killed between the block store's fsync and the state batch leaves its two stores; `failAppends` makes
 * every append fail before storing anything, like a full disk.
 */
import type { BlockStore } from './types.js';

export class SimulatedCrash extends Error {
  readonly code = 'SIMULATED_CRASH';
  constructor(blockNum: number) {
    super(`simulated crash after block ${blockNum} was appended`);
    this.name = 'SimulatedCrash';
  }
}

export class MemoryBlockStore implements BlockStore {
  readonly blocks: Uint8Array[] = [];
  crashAfterNextAppend = false;
  failAppends = false;

  height(): number {
    return this.blocks.length;
  }

  append(number: number, blockBytes: Uint8Array): Promise<void> {
    if (this.failAppends) return Promise.reject(new Error('ENOSPC: no space left on device'));
    if (number !== this.blocks.length) {
      return Promise.reject(new Error(`append of block ${number} at height ${this.blocks.length}`));
    }
    this.blocks.push(Uint8Array.from(blockBytes));
    if (this.crashAfterNextAppend) {
      this.crashAfterNextAppend = false;
      return Promise.reject(new SimulatedCrash(number));
    }
    return Promise.resolve();
  }

  get(number: number): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.blocks[number]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
