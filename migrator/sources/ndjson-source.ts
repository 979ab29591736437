/** NDJSON files, plain or gzip, line by line: each record keeps its file and 1-based line; blank lines are skipped. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputReadError } from '../errors.js';
import type { SourceRecord } from './source-record.js';

export function openFile(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

export async function* readNdjson(file: string, gzip: boolean): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input: openFile(file, gzip), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      yield { location: { source: file, line }, text };
    }
  } catch (error) {
    throw new InputReadError(file, `reading ${file} failed after line ${line}: ${String(error)}`, {
      cause: error,
    });
  } finally {
    lines.close();
  }
}
