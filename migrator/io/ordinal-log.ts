/**
 * An append-only NDJSON file of per-record entries (the dead letter, the fix log) that survives resume exactly:
 * on resume it is cut back to the size the checkpoint saw, and entries the cut kept are not written twice.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { CheckpointInvalidError, OutputWriteError } from '../errors.js';
import type { LogPosition } from './checkpoint.js';

const FLUSH_BYTES = 1 << 16;

export class OrdinalLog {
  private readonly fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private written = 0;
  private maxOrdinal = 0;
  private readonly skipUpTo: number;
  /**
   * Set by the first failed write and thrown again by every later flush: once an entry may be lost, no checkpoint
   * may be written that claims the records after it.
   */
  private failure: OutputWriteError | undefined;

  /**
   * `resumeFrom` cuts the file back to what the checkpoint recorded; without it the file starts empty. `label`
   * names the log in error messages ("dead letter", "fix log").
   */
  constructor(
    readonly file: string | undefined,
    resumeFrom?: LogPosition,
    private readonly label = 'log',
  ) {
    this.skipUpTo = resumeFrom?.maxOrdinal ?? 0;
    this.maxOrdinal = this.skipUpTo;
    if (file === undefined) return;
    try {
      this.fd = openSync(file, resumeFrom === undefined ? 'w' : 'a+');
    } catch (error) {
      throw new OutputWriteError(file, label, error);
    }
    if (resumeFrom !== undefined) {
      const size = fstatSync(this.fd).size;
      if (size < resumeFrom.bytes) {
        closeSync(this.fd);
        // Truncating "up" would pad with zero bytes: the log was replaced or cut since the checkpoint was written.
        throw new CheckpointInvalidError(
          file,
          `${file} has ${size} bytes but the checkpoint recorded ${resumeFrom.bytes}; it was changed since, so resuming would lose or repeat ${label} entries`,
        );
      }
      ftruncateSync(this.fd, resumeFrom.bytes);
      this.written = resumeFrom.bytes;
    }
  }

  /** False when this ordinal's entry already survived from before the resume. */
  append(ordinal: number, entry: object): boolean {
    if (ordinal <= this.skipUpTo) return false;
    this.appendAlways(ordinal, entry);
    return true;
  }

  /**
   * For entries written only once the checkpoint's watermark has passed them (ledger refusals): they can never have
   * survived a resume cut, so they are never skipped.
   */
  appendAlways(ordinal: number, entry: object): void {
    this.push(ordinal, JSON.stringify(entry));
  }

  /** `append` for a line the caller formats itself (no newline in it); false when it survived from before. */
  appendLine(ordinal: number, text: string): boolean {
    if (ordinal <= this.skipUpTo) return false;
    this.push(ordinal, text);
    return true;
  }

  private push(ordinal: number, text: string): void {
    if (this.fd === undefined) return;
    const line = `${text}\n`;
    this.buffer.push(line);
    this.bufferedBytes += Buffer.byteLength(line);
    if (ordinal > this.maxOrdinal) this.maxOrdinal = ordinal;
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered and fsyncs, so a checkpoint written next never points past the file's end. */
  position(): LogPosition {
    this.flush();
    if (this.fd !== undefined) this.sync(this.fd);
    return { bytes: this.written, maxOrdinal: this.maxOrdinal };
  }

  /** Flushes and closes; throws OutputWriteError if the last entries cannot be written. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.fd === undefined || this.buffer.length === 0) return;
    const bytes = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
    try {
      // writeSync may write less than asked (a disk filling up); the rest must follow or the entry is cut.
      for (let done = 0; done < bytes.length;) {
        const count = writeSync(this.fd, bytes, done, bytes.length - done, this.written);
        done += count;
        this.written += count;
      }
    } catch (error) {
      this.failure = new OutputWriteError(this.file ?? '', this.label, error);
      throw this.failure;
    }
  }

  private sync(fd: number): void {
    try {
      fsyncSync(fd);
    } catch (error) {
      // EINVAL: a character device or pipe (e.g. /dev/null) has nothing to sync; its writes already succeeded or threw.
      if ((error as NodeJS.ErrnoException).code === 'EINVAL') return;
      this.failure = new OutputWriteError(this.file ?? '', this.label, error);
      throw this.failure;
    }
  }
}
