/** NDJSON files, plain or gzip, line by line: each record keeps its file and 1-based line; blank lines are skipped. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputReadError } from '../../errors.js';
import { splitLines } from './line-splitter.js';
import type { SourceRecord } from '../../core/source-record.js';

export function openFile(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/**
 * `maxLineBytes` bounds the memory one line may take: a longer line is yielded as its head with `bytes` set (the
 * pipeline rejects it as R6 without ever holding it whole).
 */
export async function* readNdjson(
  file: string,
  gzip: boolean,
  maxLineBytes = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<SourceRecord> {
  const stream = openFile(file, gzip);
  let line = 0;
  try {
    for await (const split of splitLines(stream as AsyncIterable<Buffer>, maxLineBytes)) {
      line = split.line;
      if (split.cutFromBytes === undefined && split.text.trim() === '') continue;
      yield {
        location: { source: file, line },
        text: split.text,
        ...(split.cutFromBytes === undefined ? {} : { bytes: split.cutFromBytes }),
      };
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const zlibCode = String((error as NodeJS.ErrnoException).code).startsWith('Z_');
    const hint = zlibCode ? ' (the gzip data is truncated or corrupt)' : '';
    throw new InputReadError(
      file,
      `reading ${file} failed after line ${line}, the last complete line: ${why}${hint}`,
      { cause: error },
    );
  } finally {
    stream.destroy();
  }
}
