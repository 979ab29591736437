/**
 * Test-only durable BlockStore: one append-only file of [length(4) ‖ block] frames, fsync'd on every append. A torn
 * last frame (a kill mid-write) is cut off on open. Enough to kill a committing process for real and reopen.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BlockStore } from './types.js';

export class FileBlockStore implements BlockStore {
  private constructor(
    private readonly file: FileHandle,
    private readonly blocks: Buffer[],
    private readonly afterAppend: ((number: number) => Promise<void>) | undefined,
  ) {}

  /** `afterAppend` runs once a block is durable, before append resolves: a hook to be killed in that gap. */
  static async open(path: string, afterAppend?: (number: number) => Promise<void>): Promise<FileBlockStore> {
    const file = await open(path, 'a+');
    const bytes = await file.readFile();
    const blocks: Buffer[] = [];
    let offset = 0;
    while (offset + 4 <= bytes.length) {
      const end = offset + 4 + bytes.readUInt32BE(offset);
      if (end > bytes.length) break;
      blocks.push(bytes.subarray(offset + 4, end));
      offset = end;
    }
    if (offset < bytes.length) await file.truncate(offset);
    return new FileBlockStore(file, blocks, afterAppend);
  }

  height(): number {
    return this.blocks.length;
  }

  async append(number: number, blockBytes: Uint8Array): Promise<void> {
    if (number !== this.blocks.length)
      throw new Error(`append of block ${number} at height ${this.blocks.length}`);
    const frame = Buffer.alloc(4 + blockBytes.length);
    frame.writeUInt32BE(blockBytes.length, 0);
    frame.set(blockBytes, 4);
    await this.file.write(frame);
    await this.file.datasync();
    this.blocks.push(frame.subarray(4));
    await this.afterAppend?.(number);
  }

  get(number: number): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.blocks[number]);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
