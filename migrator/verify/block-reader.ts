/**
 * Reads a channel's blocks through the unmodified fabric-gateway client, up to a height fixed before the audit
 * starts: the height comes from qscc `GetChainInfo` (an evaluate, as any Fabric client asks it), and the blocks from
 * `Network.getBlockEvents` (the peer's Deliver service) from block 0 until the block below that height has arrived.
 * So the audit reads exactly the chain as it stood when it started: a block committed later never changes where it
 * ends, and no quiet period is guessed. `timeoutMs` bounds the whole read.
 */
import { GatewayError, type Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { LedgerUnavailableError } from '../../ledger-client/index.js';
import { BlockReadError } from '../errors.js';

export { BlockReadError };

/** gRPC statuses that mean the peer could not be reached in time (grpc/status.h). */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

export interface BlockStream extends AsyncIterable<common.Block> {
  close(): void;
}

/**
 * The channel's height (number of blocks) now, from qscc GetChainInfo. A peer that cannot be reached is
 * LEDGER_UNAVAILABLE (exit 2, as in every command); any other refusal is LEDGER_READ_FAILED.
 */
export async function chainHeight(network: Pick<Network, 'getContract' | 'getName'>): Promise<bigint> {
  let bytes: Uint8Array;
  try {
    bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  } catch (error) {
    const unreachable =
      error instanceof GatewayError &&
      (error.code === GRPC_UNAVAILABLE || error.code === GRPC_DEADLINE_EXCEEDED);
    if (unreachable) {
      throw new LedgerUnavailableError(
        `cannot reach the peer to read the chain height: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    throw new BlockReadError(`qscc GetChainInfo failed: ${messageOf(error)}`, { cause: error });
  }
  let height: number;
  try {
    height = common.BlockchainInfo.deserializeBinary(bytes).getHeight();
  } catch (error) {
    throw new BlockReadError(
      `qscc GetChainInfo answered bytes that are not a BlockchainInfo: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  return BigInt(height);
}

export async function readBlocksFromNetwork(
  network: Pick<Network, 'getBlockEvents'>,
  height: bigint,
  timeoutMs: number,
  onBlock: (block: common.Block) => void,
): Promise<number> {
  if (height === 0n) return 0;
  let stream: BlockStream;
  try {
    stream = await network.getBlockEvents({ startBlock: 0n });
  } catch (error) {
    throw new BlockReadError(`cannot open the block stream: ${messageOf(error)}`, { cause: error });
  }
  return readUpToHeight(stream, height, timeoutMs, onBlock);
}

/**
 * Hands blocks 0 … height-1 to `onBlock` in order and closes the stream; resolves with the number read. Fails when
 * the stream ends or breaks early, skips a block, or has not reached the height within `timeoutMs`.
 */
export async function readUpToHeight(
  stream: BlockStream,
  height: bigint,
  timeoutMs: number,
  onBlock: (block: common.Block) => void,
): Promise<number> {
  const iterator = stream[Symbol.asyncIterator]();
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    while (BigInt(count) < height) {
      let next: IteratorResult<common.Block> | 'timeout';
      try {
        next = await Promise.race([iterator.next(), deadline]);
      } catch (error) {
        throw new BlockReadError(
          `block stream failed after ${count} of ${height} blocks: ${messageOf(error)}`,
          {
            cause: error,
          },
        );
      }
      if (next === 'timeout') {
        throw new BlockReadError(`read ${count} of ${height} blocks in ${timeoutMs} ms (--timeout-ms)`);
      }
      if (next.done === true)
        throw new BlockReadError(`block stream ended after ${count} of ${height} blocks`);
      const number = next.value.getHeader()?.getNumber();
      if (number !== count) {
        throw new BlockReadError(`expected block ${count}, the peer sent block ${String(number)}`);
      }
      onBlock(next.value);
      count += 1;
    }
    return count;
  } finally {
    clearTimeout(timer);
    stream.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
