/** Counts NDJSON lines for the progress ETA; only used on a TTY, where a human waits for an answer. */
import type { ResolvedInput } from './input-paths.js';
import { openFile } from './ndjson-source.js';

export async function countRecords(inputs: readonly ResolvedInput[]): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (input.kind !== 'ndjson') return undefined;
    for await (const chunk of openFile(input.name, input.gzip) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) total += 1;
    }
  }
  return total;
}
