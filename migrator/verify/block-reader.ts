/**
 * Reads a channel's blocks from block 0 through the unmodified fabric-gateway client (`Network.getBlockEvents`,
 * the peer's Deliver service). That stream never ends by itself and the client offers no "seek to newest", so the
 * read stops when no block has arrived for `quietMs` — a peer hands out every block it holds at once, then waits
 * for new ones — and fails after `timeoutMs` in all. A block committed after the audit started may or may not be
 * included; the report says up to which block it read.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';
import { BlockReadError } from '../errors.js';

export { BlockReadError };

export interface BlockReadOptions {
  /** Stop after this long without a new block. */
  quietMs: number;
  /** Give up (BlockReadError) after this long in all. */
  timeoutMs: number;
}

export interface BlockStream extends AsyncIterable<common.Block> {
  close(): void;
}

export async function readBlocksFromNetwork(
  network: Pick<Network, 'getBlockEvents'>,
  options: BlockReadOptions,
  onBlock: (block: common.Block) => void,
): Promise<number> {
  let stream: BlockStream;
  try {
    stream = await network.getBlockEvents({ startBlock: 0n });
  } catch (error) {
    throw new BlockReadError(`cannot open the block stream: ${messageOf(error)}`, { cause: error });
  }
  return readUntilQuiet(stream, options, onBlock);
}

/** Hands each block to `onBlock` in order; resolves with the number of blocks read once the stream goes quiet. */
export async function readUntilQuiet(
  stream: BlockStream,
  options: BlockReadOptions,
  onBlock: (block: common.Block) => void,
  now: () => number = Date.now,
): Promise<number> {
  const iterator = stream[Symbol.asyncIterator]();
  const started = now();
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const left = options.timeoutMs - (now() - started);
      if (left <= 0) {
        throw new BlockReadError(`blocks still arriving after ${options.timeoutMs} ms (read ${count})`);
      }
      const quiet = new Promise<'quiet'>((resolve) => {
        timer = setTimeout(
          () => {
            resolve('quiet');
          },
          Math.min(options.quietMs, left),
        );
      });
      let next: IteratorResult<common.Block> | 'quiet';
      try {
        next = await Promise.race([iterator.next(), quiet]);
      } catch (error) {
        throw new BlockReadError(`block stream failed after ${count} blocks: ${messageOf(error)}`, {
          cause: error,
        });
      } finally {
        clearTimeout(timer);
      }
      if (next === 'quiet') {
        if (now() - started >= options.timeoutMs) continue;
        return count;
      }
      if (next.done === true) return count;
      onBlock(next.value);
      count += 1;
    }
  } finally {
    stream.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
