/**
 * One record's bytes as a splitter collects them across chunks, with bounded memory: up to `maxBytes` are kept
 * whole; past that only the first `OVERSIZE_HEAD_BYTES` stay (enough to recognise the record in the dead letter)
 * and the rest is only counted, for the R6 reject. Shared by the NDJSON line splitter and the Bundle splitter.
 */

/** How much of an over-long record is kept. */
export const OVERSIZE_HEAD_BYTES = 4096;

export class RecordBytes {
  private parts: Buffer[] = [];
  private kept = 0;
  /** Bytes added since the last take(), kept or not. */
  total = 0;

  constructor(private readonly maxBytes: number) {}

  add(slice: Buffer): void {
    this.total += slice.length;
    const limit = this.total > this.maxBytes ? OVERSIZE_HEAD_BYTES : this.maxBytes;
    if (this.kept > limit) {
      // The record has just grown past the limit: drop all but its head.
      this.parts = [Buffer.from(Buffer.concat(this.parts).subarray(0, limit))];
      this.kept = limit;
    }
    const room = limit - this.kept;
    if (room <= 0) return;
    // A copy, so a small piece does not pin the whole chunk it came from.
    const part = Buffer.from(slice.subarray(0, room));
    this.parts.push(part);
    this.kept += part.length;
  }

  /** The bytes kept and the record's full length (over `maxBytes`: `bytes` is only its head); then starts afresh. */
  take(): { bytes: Buffer; length: number; cut: boolean } {
    const taken = { bytes: Buffer.concat(this.parts), length: this.total, cut: this.total > this.maxBytes };
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    return taken;
  }
}
