import assert from 'node:assert/strict';
import { BlockCutter } from './block-cutter.js';

const msg = (label: string, size: number) => ({ envelope: Buffer.from(label), size });
const labels = (batches: Uint8Array[][]): string[][] =>
  batches.map((b) => b.map((e) => Buffer.from(e).toString()));

describe('BlockCutter (blockcutter.go semantics)', () => {
  it('cuts when the count reaches MaxMessageCount', () => {
    const cutter = new BlockCutter({ maxMessageCount: 3, preferredMaxBytes: 1000 });
    assert.deepEqual(labels(cutter.ordered(msg('a', 10))), []);
    assert.deepEqual(labels(cutter.ordered(msg('b', 10))), []);
    assert.deepEqual(labels(cutter.ordered(msg('c', 10))), [['a', 'b', 'c']]);
    assert.equal(cutter.pendingCount, 0);
  });

  it('cuts the pending batch before a message that would pass PreferredMaxBytes; the message starts the next', () => {
    const cutter = new BlockCutter({ maxMessageCount: 100, preferredMaxBytes: 100 });
    cutter.ordered(msg('a', 40));
    cutter.ordered(msg('b', 40));
    assert.deepEqual(labels(cutter.ordered(msg('c', 30))), [['a', 'b']]);
    assert.equal(cutter.pendingCount, 1);
    // exactly reaching the preferred size does not cut
    assert.deepEqual(labels(cutter.ordered(msg('d', 70))), []);
    assert.deepEqual(labels([cutter.cut()]), [['c', 'd']]);
  });

  it('sends a message larger than PreferredMaxBytes alone, after the pending batch', () => {
    const cutter = new BlockCutter({ maxMessageCount: 100, preferredMaxBytes: 100 });
    cutter.ordered(msg('a', 10));
    assert.deepEqual(labels(cutter.ordered(msg('big', 101))), [['a'], ['big']]);
    assert.equal(cutter.pendingCount, 0);
    assert.deepEqual(labels(cutter.ordered(msg('big2', 500))), [['big2']]);
  });

  it('can both overflow bytes and reach the count on one message (two batches)', () => {
    const cutter = new BlockCutter({ maxMessageCount: 1, preferredMaxBytes: 100 });
    assert.deepEqual(labels(cutter.ordered(msg('a', 60))), [['a']]);
    const two = new BlockCutter({ maxMessageCount: 2, preferredMaxBytes: 100 });
    two.ordered(msg('a', 60));
    // 'b' overflows bytes (cut ['a']), then alone reaches... count 1 < 2, so pending
    assert.deepEqual(labels(two.ordered(msg('b', 60))), [['a']]);
    assert.equal(two.pendingCount, 1);
  });

  it('cut() on the timer returns the pending batch, and an empty one when nothing is pending', () => {
    const cutter = new BlockCutter({ maxMessageCount: 10, preferredMaxBytes: 1000 });
    assert.deepEqual(cutter.cut(), []);
    cutter.ordered(msg('a', 1));
    assert.deepEqual(labels([cutter.cut()]), [['a']]);
  });
});
