/**
 * A digest of everything the ledger's database holds (world state with versions and metadata, history, txid index,
 * savepoint), so tests can tell whether two peers, or one peer before and after a crash and replay, agree exactly.
 * It scans the whole database: meant for tests and diagnostics, not for every block.
 */
import { createHash } from 'node:crypto';
import type { WorldState } from './world-state.js';

export async function stateFingerprint(state: WorldState): Promise<string> {
  const hash = createHash('sha256');
  const lengths = Buffer.alloc(8);
  for await (const [key, value] of state.allRecords()) {
    lengths.writeUInt32BE(key.length, 0);
    lengths.writeUInt32BE(value.length, 4);
    hash.update(lengths).update(key).update(value);
  }
  return hash.digest('hex');
}
