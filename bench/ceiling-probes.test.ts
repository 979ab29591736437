import assert from 'node:assert/strict';
import { timeWeightedMean, type CeilingProbe } from './ceiling-probes.js';

const probe = (atSeconds: number, recordsPerSecond: number): CeilingProbe => ({
  atSeconds,
  records: 3000,
  seconds: 3000 / recordsPerSecond,
  recordsPerSecond,
});

describe('bench migrate-live ceiling probes', () => {
  it('weighs each probe by the time it stands for (trapezoids), not by count', () => {
    // 800 → 400 over the first 100 s, then 400 flat for 300 s: (600·100 + 400·300) / 400 = 450.
    assert.equal(timeWeightedMean([probe(0, 800), probe(100, 400), probe(400, 400)]), 450);
  });

  it('sorts probes by time and averages probes taken at one instant', () => {
    assert.equal(timeWeightedMean([probe(400, 400), probe(0, 800), probe(100, 400)]), 450);
    assert.equal(timeWeightedMean([probe(0, 300), probe(0, 500)]), 400);
  });

  it('refuses an empty list', () => {
    assert.throws(() => timeWeightedMean([]), /no ceiling probes/);
  });
});
