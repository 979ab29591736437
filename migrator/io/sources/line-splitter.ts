/**
 * Splits a byte stream into NDJSON lines with bounded memory. Only LF ends a line (a CR before it is dropped), so a
 * stray CR inside garbage does not shift the line numbers everyone else (`sed -n Np`, editors) agrees on; bytes
 * that are not UTF-8 decode to U+FFFD, so every line is a well-formed string. A line longer than `maxLineBytes` is
 * not held in memory: only its first `OVERSIZE_HEAD_BYTES` are kept, with its full length, for the R6 reject.
 * A line the stream did not finish (the stream failed) is never yielded.
 */

/** How much of an over-long line is kept: enough to recognise the record in the dead letter. */
export const OVERSIZE_HEAD_BYTES = 4096;

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
  let parts: Buffer[] = [];
  let kept = 0;
  let total = 0;
  let line = 0;

  const keep = (slice: Buffer) => {
    total += slice.length;
    const limit = total > maxLineBytes ? OVERSIZE_HEAD_BYTES : maxLineBytes;
    if (kept > limit) {
      // The line has just grown past the limit: drop all but its head.
      parts = [Buffer.from(Buffer.concat(parts).subarray(0, limit))];
      kept = limit;
    }
    const room = limit - kept;
    if (room <= 0) return;
    // A copy, so a small piece does not pin the whole chunk it came from.
    const part = Buffer.from(slice.subarray(0, room));
    parts.push(part);
    kept += part.length;
  };
  const take = (): SplitLine => {
    line += 1;
    let bytes = Buffer.concat(parts);
    const length = total;
    parts = [];
    kept = 0;
    total = 0;
    if (length > maxLineBytes) return { line, text: bytes.toString('utf8'), cutFromBytes: length };
    if (bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
    return { line, text: bytes.toString('utf8') };
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      if (total === 0 && end - start <= maxLineBytes) {
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
  if (total > 0) yield take();
}
