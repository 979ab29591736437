/**
 * One channel's blocks in one append-only file, as Fabric's file ledger keeps them: each block is a frame
 * [u32 length][u32 crc32][bytes(common.Block)], and block n's offset sits in an in-memory index rebuilt on open.
 *
 * Durability: append resolves after fdatasync, so a block a caller saw appended survives a crash. On open the
 * frame headers are walked; a torn tail (short header, short payload or bad CRC of the last frame, i.e. a crash
 * mid-write) is cut back to the last whole block. Only frame headers are read while walking (through a 1 MB window), plus
 * the last frame's payload for its CRC, so opening stays cheap for long chains of small or large blocks.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { BlockStore } from './types.js';

const FRAME_HEADER = 8;
/** Recently appended blocks kept in memory: Deliver streams read the chain's tip over and over. */
const RECENT_BLOCKS = 64;

export class BlockStoreError extends Error {
  constructor(
    readonly code: 'OUT_OF_ORDER' | 'CORRUPT' | 'CLOSED' | 'SHORT_WRITE' | 'BROKEN',
    message: string,
  ) {
    super(message);
    this.name = 'BlockStoreError';
  }
}

export interface BlockStoreOpenResult {
  readonly store: FileBlockStore;
  /** Bytes cut from a torn tail on open (0 after a clean shutdown). */
  readonly truncatedBytes: number;
}

export class FileBlockStore implements BlockStore {
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly recent = new Map<number, Uint8Array>();
  private end = 0;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when a failed append could not be cut back: the file's tail is unknown until reopened. */
  private broken: BlockStoreError | undefined;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) `dir/blocks.dat`, recovering from a torn tail. */
  static async open(dir: string): Promise<BlockStoreOpenResult> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'blocks.dat');
    const file = await open(path, 'a+');
    // A new file's directory entry must be durable too, or a crash could lose the whole file with its blocks.
    const directory = await open(dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    const store = new FileBlockStore(file, path);
    try {
      const truncatedBytes = await store.recover();
      return { store, truncatedBytes };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  private async recover(): Promise<number> {
    const size = (await this.file.stat()).size;
    // Headers are read through a 1 MB window so that chains of small blocks cost one read per window, not per block.
    const window = Buffer.allocUnsafe(1024 * 1024);
    let windowStart = 0;
    let windowLength = 0;
    let offset = 0;
    let lastCrc = 0;
    while (offset + FRAME_HEADER <= size) {
      if (offset < windowStart || offset + FRAME_HEADER > windowStart + windowLength) {
        windowStart = offset;
        ({ bytesRead: windowLength } = await this.file.read(window, 0, window.length, offset));
        if (windowLength < FRAME_HEADER) break;
      }
      const length = window.readUInt32BE(offset - windowStart);
      if (offset + FRAME_HEADER + length > size) break;
      this.offsets.push(offset + FRAME_HEADER);
      this.lengths.push(length);
      lastCrc = window.readUInt32BE(offset - windowStart + 4);
      offset += FRAME_HEADER + length;
    }
    // Only the last whole frame can hold garbage after a crash (earlier frames were fsync'd before the next began).
    const last = this.offsets.length - 1;
    if (last >= 0) {
      const bytes = await this.readAt(this.offsets[last] ?? 0, this.lengths[last] ?? 0);
      if (crc32(bytes) !== lastCrc) {
        offset = (this.offsets.pop() ?? FRAME_HEADER) - FRAME_HEADER;
        this.lengths.pop();
      }
    }
    this.end = offset;
    if (offset < size) {
      await this.file.truncate(offset);
      await this.file.datasync();
    }
    return size - offset;
  }

  private async readAt(position: number, length: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buffer, done, length - done, position + done);
      if (bytesRead === 0)
        throw new BlockStoreError('CORRUPT', `${this.path}: unexpected end of file at ${position + done}`);
      done += bytesRead;
    }
    return buffer;
  }

  height(): number {
    return this.offsets.length;
  }

  append(number: number, blockBytes: Uint8Array): Promise<void> {
    // Appends are chained so that concurrent callers get file order = call order, and each checks the height
    // left by the one before it.
    const run = this.tail.then(async () => {
      if (this.closed) throw new BlockStoreError('CLOSED', `${this.path} is closed`);
      if (this.broken) throw this.broken;
      if (number !== this.offsets.length) {
        throw new BlockStoreError(
          'OUT_OF_ORDER',
          `block ${number} appended at height ${this.offsets.length}`,
        );
      }
      const header = Buffer.alloc(FRAME_HEADER);
      header.writeUInt32BE(blockBytes.length, 0);
      header.writeUInt32BE(crc32(blockBytes), 4);
      // 'a+' appends at the end whatever the position, so one writev is one frame.
      try {
        await this.writeFrame(number, header, blockBytes);
        await this.file.datasync();
      } catch (error) {
        await this.cutBack(number, error);
        throw error;
      }
      this.offsets.push(this.end + FRAME_HEADER);
      this.lengths.push(blockBytes.length);
      this.end += FRAME_HEADER + blockBytes.length;
      this.recent.set(number, blockBytes);
      this.recent.delete(number - RECENT_BLOCKS);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * libuv answers a write that only partly fits (disk full) with the short count, not an error: the rest is written
   * again, so the file system's own error (ENOSPC, EROFS) is what the caller sees.
   */
  private async writeFrame(number: number, header: Buffer, blockBytes: Uint8Array): Promise<void> {
    const body = Buffer.from(blockBytes.buffer, blockBytes.byteOffset, blockBytes.byteLength);
    const total = FRAME_HEADER + body.length;
    let done = 0;
    while (done < total) {
      const rest = done < FRAME_HEADER ? [header.subarray(done), body] : [body.subarray(done - FRAME_HEADER)];
      const { bytesWritten } = await this.file.writev(rest);
      if (bytesWritten === 0) {
        throw new BlockStoreError(
          'SHORT_WRITE',
          `${this.path}: block ${number} written short (${done} of ${total} bytes)`,
        );
      }
      done += bytesWritten;
    }
  }

  /**
   * After a failed append (disk full, read-only, I/O error) the file is cut back to the last whole block, as Fabric's
   * blockfileMgr.addBlock truncates to its known size: a partial frame left behind would sit under the next append.
   * If even the cut fails, the store refuses further appends; reopening cuts the torn tail.
   */
  private async cutBack(number: number, cause: unknown): Promise<void> {
    try {
      await this.file.truncate(this.end);
    } catch (truncateError) {
      this.broken = new BlockStoreError(
        'BROKEN',
        `${this.path}: block ${number} failed (${String(cause)}) and the file could not be cut back to ${this.end} bytes (${String(truncateError)}); reopen the store`,
      );
    }
  }

  async get(number: number): Promise<Uint8Array | undefined> {
    const cached = this.recent.get(number);
    if (cached) return cached;
    const offset = this.offsets[number];
    const length = this.lengths[number];
    if (offset === undefined || length === undefined) return undefined;
    if (this.closed) throw new BlockStoreError('CLOSED', `${this.path} is closed`);
    return this.readAt(offset, length);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await this.file.close();
  }
}
