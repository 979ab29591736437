/**
 * An append-only NDJSON file of per-record entries (the dead letter, the fix log) that survives resume exactly:
 * on resume it is cut back to the size the checkpoint saw, and entries the cut kept are not written twice.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { CheckpointInvalidError } from './errors.js';
import type { LogPosition } from './checkpoint.js';

const FLUSH_BYTES = 1 << 16;

export class OrdinalLog {
  private readonly fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private written = 0;
  private maxOrdinal = 0;
  private readonly skipUpTo: number;

  /** `resumeFrom` cuts the file back to what the checkpoint recorded; without it the file starts empty. */
  constructor(
    readonly file: string | undefined,
    resumeFrom?: LogPosition,
  ) {
    this.skipUpTo = resumeFrom?.maxOrdinal ?? 0;
    this.maxOrdinal = this.skipUpTo;
    if (file === undefined) return;
    this.fd = openSync(file, resumeFrom === undefined ? 'w' : 'a+');
    if (resumeFrom !== undefined) {
      const size = fstatSync(this.fd).size;
      if (size < resumeFrom.bytes) {
        closeSync(this.fd);
        // Truncating "up" would pad with zero bytes: the log was replaced or cut since the checkpoint was written.
        throw new CheckpointInvalidError(
          file,
          `${file} has ${size} bytes but the checkpoint recorded ${resumeFrom.bytes}; it was changed since, so resuming would lose or repeat dead-letter entries`,
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
    if (this.fd === undefined) return;
    const line = `${JSON.stringify(entry)}\n`;
    this.buffer.push(line);
    this.bufferedBytes += Buffer.byteLength(line);
    if (ordinal > this.maxOrdinal) this.maxOrdinal = ordinal;
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered and fsyncs, so a checkpoint written next never points past the file's end. */
  position(): LogPosition {
    this.flush();
    if (this.fd !== undefined) fsyncSync(this.fd);
    return { bytes: this.written, maxOrdinal: this.maxOrdinal };
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
  }

  private flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedBytes = 0;
    this.written += writeSync(this.fd, text, this.written);
  }
}
