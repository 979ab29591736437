/**
 * A FHIR Bundle of any size, streamed with stream-json: only one `entry[].resource` is assembled at a time, so a
 * 2 GB Bundle never sits in memory. Each record's location is its index among the Bundle's resources.
 */
import { pipeline, Transform } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';
import { InputReadError } from '../../errors.js';
import { openFile } from './ndjson-source.js';
import type { SourceRecord } from '../../core/source-record.js';

/** `entry[N].resource` — tested on the path stack itself, which is cheaper than joining it into a string per token. */
function isEntryResource(stack: readonly (string | number | null)[]): boolean {
  return stack.length === 3 && stack[0] === 'entry' && stack[2] === 'resource';
}

export async function* readBundle(file: string, gzip: boolean): AsyncGenerator<SourceRecord> {
  const values = streamValues.asStream();
  // Bytes handed to the parser, so an error can say how far into the (decompressed) text the Bundle broke off.
  let offset = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      offset += chunk.length;
      done(null, chunk);
    },
  });
  // pipeline tears every stage down on error; the iterator below then throws what the failing stage threw.
  pipeline(
    openFile(file, gzip),
    counter,
    // Packed values only (no streamed string chunks): a third of the tokens, and the streamer needs no more.
    parser.asStream({ streamValues: false }),
    pick.asStream({ filter: isEntryResource }),
    values,
    (error) => {
      if (error) values.destroy(error);
    },
  );
  let entries = 0;
  try {
    for await (const item of values as AsyncIterable<{ key: number; value: unknown }>) {
      entries += 1;
      yield { location: { source: file, entry: item.key }, value: item.value };
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const text = gzip ? 'decompressed text' : 'file';
    const after = entries === 0 ? 'before its first entry' : `after ${entries} complete entries`;
    throw new InputReadError(
      file,
      `Bundle ${file} breaks off or is malformed within its first ${offset} bytes (of the ${text}), ${after}: ${why}`,
      { cause: error },
    );
  } finally {
    values.destroy();
  }
}
