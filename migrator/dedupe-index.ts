/**
 * Remembers every `type/id` of the run with a short content hash, so duplicates are found across the whole input
 * without keeping records. 64 bits of the sha256 are plenty to tell "same content" from "different content" for one
 * key (a false "same" needs a 1 in 2^64 collision on the same key); see README for the memory it costs.
 */

export type DedupeVerdict = 'new' | 'duplicate' | 'conflict';

export class DedupeIndex {
  private readonly hashes = new Map<string, string>();

  get size(): number {
    return this.hashes.size;
  }

  /** Records `key` with `hash` the first time; later sightings are exact duplicates or conflicts. */
  check(key: string, hash: string): DedupeVerdict {
    const short = hash.slice(0, 16);
    const seen = this.hashes.get(key);
    if (seen === undefined) {
      this.hashes.set(key, short);
      return 'new';
    }
    if (seen === short) return 'duplicate';
    return 'conflict';
  }

  /** last-wins: the later content becomes the one later duplicates are compared with. */
  replace(key: string, hash: string): void {
    this.hashes.set(key, hash.slice(0, 16));
  }
}
