/**
 * Splits a byte stream into NDJSON lines with bounded memory. Only LF ends a line (a CR before it is dropped), so a
 * stray CR inside garbage does not shift the line numbers everyone else (`sed -n Np`, editors) agrees on; bytes
 * that are not UTF-8 decode to U+FFFD, so every line is a well-formed string. A line longer than `maxLineBytes` is
 * not held in memory: only its first `OVERSIZE_HEAD_BYTES` are kept, with its full length, for the R6 reject.
 * A line the stream did not finish (the stream failed) is never yielded.
 */

import { RecordBytes } from './record-bytes.js';

const LF = 0x0a;
const CR = 0x0d;

export interface SplitLine {
  /** 1-based line number (blank lines count). */
  line: number;
  /** The line, or only its head when `cutFromBytes` is set. */
  text: string;
  /** Set when the line was longer than the limit: its full length in bytes. */
  cutFromBytes?: number;
}

export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes: number,
): AsyncGenerator<SplitLine> {
  const pending = new RecordBytes(maxLineBytes);
  let line = 0;

  const keep = (slice: Buffer) => {
    pending.add(slice);
  };
  const take = (): SplitLine => {
    line += 1;
    const { bytes, length, cut } = pending.take();
    if (cut) return { line, text: bytes.toString('utf8'), cutFromBytes: length };
    const end = bytes.at(-1) === CR ? bytes.length - 1 : bytes.length;
    return { line, text: bytes.toString('utf8', 0, end) };
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      if (pending.total === 0 && end - start <= maxLineBytes) {
        // The common case: the whole line is inside this chunk.
        line += 1;
        const stop = end > start && chunk[end - 1] === CR ? end - 1 : end;
        yield { line, text: chunk.toString('utf8', start, stop) };
      } else {
        keep(chunk.subarray(start, end));
        yield take();
      }
      start = end + 1;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
  }
  if (pending.total > 0) yield take();
}
