/**
 * Fabric's hashed form of a large range query (rwsetutil/query_results_helper.go): the simulator hashes the
 * results in chunks of max_degree + 1 KVReads (SHA-256 over bytes(QueryReads)), folds every max_degree + 1 hashes of
 * a level into one hash of the next level, and records only the top level (QueryReadsMerkleSummary). Fabric's
 * simulator does this whenever a range returns more than 50 results, so a committer must re-check it the same way:
 * re-run the range, rebuild the tree, compare.
 */
import { createHash } from 'node:crypto';
import { ledger } from '@hyperledger/fabric-protos';
import type { KvRead, MerkleSummary } from './rwset.js';

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function serializeReads(reads: readonly KvRead[]): Uint8Array {
  const queryReads = new ledger.rwset.kvrwset.QueryReads();
  queryReads.setKvReadsList(
    reads.map((read) => {
      const kvRead = new ledger.rwset.kvrwset.KVRead();
      kvRead.setKey(read.key);
      if (read.version !== undefined) {
        const version = new ledger.rwset.kvrwset.Version();
        version.setBlockNum(read.version.blockNum);
        version.setTxNum(read.version.txNum);
        kvRead.setVersion(version);
      }
      return kvRead;
    }),
  );
  return queryReads.serializeBinary();
}

export class RangeResultsHasher {
  private pending: KvRead[] = [];
  private readonly tree = new Map<number, Buffer[]>();
  private maxLevel = 1;

  constructor(private readonly maxDegree: number) {}

  add(read: KvRead): void {
    this.pending.push(read);
    if (this.pending.length > this.maxDegree) this.flushPending();
  }

  /** The tree's current top level, as the validator compares it while results come in. */
  current(): MerkleSummary {
    return { maxDegree: this.maxDegree, maxLevel: this.maxLevel, maxLevelHashes: this.level(this.maxLevel) };
  }

  /** The final summary, or undefined when the results never filled one chunk (Fabric then records raw reads). */
  done(): MerkleSummary | undefined {
    if (this.maxLevel === 1 && this.level(1).length === 0) return undefined;
    if (this.pending.length > 0) this.flushPending();
    let level = 1;
    while (level < this.maxLevel) {
      const hashes = this.level(level);
      if (hashes.length > 0) {
        const folded = hashes.length === 1 ? (hashes[0] as Buffer) : sha256(Buffer.concat(hashes));
        this.tree.delete(level);
        this.level(level + 1).push(folded);
      }
      level++;
    }
    const top = this.level(this.maxLevel);
    if (top.length > this.maxDegree) {
      this.tree.delete(this.maxLevel);
      this.maxLevel++;
      this.tree.set(this.maxLevel, [sha256(Buffer.concat(top))]);
    }
    return this.current();
  }

  private flushPending(): void {
    const hash = sha256(serializeReads(this.pending));
    this.pending = [];
    this.level(1).push(hash);
    let level = 1;
    for (;;) {
      const hashes = this.level(level);
      if (hashes.length <= this.maxDegree) return;
      const combined = sha256(Buffer.concat(hashes));
      this.tree.delete(level);
      this.level(level + 1).push(combined);
      this.maxLevel = Math.max(this.maxLevel, level + 1);
      level++;
    }
  }

  private level(level: number): Buffer[] {
    let hashes = this.tree.get(level);
    if (hashes === undefined) {
      hashes = [];
      this.tree.set(level, hashes);
    }
    return hashes;
  }
}

export function summariesEqual(a: MerkleSummary, b: MerkleSummary | undefined): boolean {
  if (b === undefined) return false;
  if (a.maxDegree !== b.maxDegree || a.maxLevel !== b.maxLevel) return false;
  if (a.maxLevelHashes.length !== b.maxLevelHashes.length) return false;
  return a.maxLevelHashes.every((hash, i) =>
    Buffer.from(hash).equals(b.maxLevelHashes[i] ?? new Uint8Array(0)),
  );
}

/**
 * rangeQueryHashValidator: feeds the re-run results in, failing early as soon as a completed top-level hash
 * differs from the recorded one, then compares the final summaries.
 */
export async function merkleRangeStillSame(
  expected: MerkleSummary,
  results: AsyncIterable<KvRead>,
): Promise<boolean> {
  if (expected.maxDegree < 2) return false; // Fabric refuses to build such a tree
  const hasher = new RangeResultsHasher(expected.maxDegree);
  let lastMatched = -1;
  for await (const read of results) {
    hasher.add(read);
    const current = hasher.current();
    if (current.maxLevel < expected.maxLevel) continue;
    if (lastMatched === current.maxLevelHashes.length - 1) continue;
    if (current.maxLevelHashes.length > expected.maxLevelHashes.length) return false;
    lastMatched++;
    const got = current.maxLevelHashes[lastMatched];
    const want = expected.maxLevelHashes[lastMatched];
    if (got === undefined || want === undefined || !got.equals(want)) return false;
  }
  return summariesEqual(expected, hasher.done());
}
