/**
 * Test-only: the real FileBlockStore with a hook that runs once a block is durable and before append resolves, so a
 * test can kill a committing process for real exactly between the block write and the state batch.
 */
import { FileBlockStore } from './block-store.js';
import type { BlockStore } from './types.js';

export async function openHookedBlockStore(
  dir: string,
  afterAppend?: (number: number) => Promise<void>,
): Promise<BlockStore> {
  const { store } = await FileBlockStore.open(dir);
  if (afterAppend === undefined) return store;
  return {
    height: () => store.height(),
    get: (number) => store.get(number),
    close: () => store.close(),
    append: async (number, bytes) => {
      await store.append(number, bytes);
      await afterAppend(number);
    },
  };
}
