/**
 * A FHIR Bundle of any size, split into the raw text of each `entry[].resource` (bundle-splitter.ts): one resource
 * is held at a time, so a 2 GB Bundle never sits in memory, and each resource reaches the record pipeline as text,
 * parsed there once like an NDJSON line. Each record's location is its index among the Bundle's resources.
 */
import { InputReadError } from '../../errors.js';
import { BundleSyntaxError, splitBundle } from './bundle-splitter.js';
import { openFile } from './ndjson-source.js';
import type { SourceRecord } from '../../core/source-record.js';

/**
 * `maxResourceBytes` bounds the memory one resource may take: a longer one is yielded as its head with `bytes` set
 * (the pipeline rejects it as R6 without ever holding it whole).
 */
export async function* readBundle(
  file: string,
  gzip: boolean,
  maxResourceBytes = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<SourceRecord> {
  const stream = openFile(file, gzip);
  // Bytes handed to the splitter, so an error can say how far into the (decompressed) text the Bundle broke off.
  let offset = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      yield chunk;
      offset += chunk.length;
    }
  }
  let entries = 0;
  try {
    for await (const split of splitBundle(counted(), maxResourceBytes)) {
      entries += 1;
      yield {
        location: { source: file, entry: split.entry },
        text: split.text,
        ...(split.cutFromBytes === undefined ? {} : { bytes: split.cutFromBytes }),
      };
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const text = gzip ? 'decompressed text' : 'file';
    const after = entries === 0 ? 'before its first entry' : `after ${entries} complete entries`;
    const within = error instanceof BundleSyntaxError ? error.offset : offset;
    const zlibCode = String((error as NodeJS.ErrnoException).code).startsWith('Z_');
    const hint = zlibCode ? ' (the gzip data is truncated or corrupt)' : '';
    throw new InputReadError(
      file,
      `Bundle ${file} breaks off or is malformed within its first ${within} bytes (of the ${text}), ${after}: ${why}${hint}`,
      { cause: error },
    );
  } finally {
    stream.destroy();
  }
}
