/** Streams k6's `--out json=points.json.gz` output, gunzipping when the name ends in .gz. */
import { createReadStream } from 'node:fs';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { LoadError } from './load-error.js';
import { collectObservations, type LoadObservations } from './observations.js';

export async function readPointsFile(file: string): Promise<LoadObservations> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    return await collectObservations(lines);
  } catch (error) {
    throw new LoadError('LOAD_POINTS_UNREADABLE', `cannot read k6 points from ${file}: ${String(error)}`, {
      cause: error,
    });
  } finally {
    lines.close();
    raw.destroy();
  }
}
