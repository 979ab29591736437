import assert from 'node:assert/strict';
import { ProgressReporter } from './progress.js';

describe('generators: progress', () => {
  it('rewrites one line on a TTY with rate and ETA, throttled', () => {
    let now = 0;
    const writes: string[] = [];
    const p = new ProgressReporter({
      totalPatients: 100,
      output: { isTTY: true, write: (t) => writes.push(t) },
      now: () => now,
    });
    now = 100;
    p.update(500, 10);
    assert.equal(writes.length, 0, 'shown before 200 ms passed');
    now = 1000;
    p.update(500, 25);
    assert.equal(writes.length, 1);
    assert.equal(writes[0], '\rgenerate 25/100 patients (25%) 1000 resources 1000/s ETA 3s\u001b[K');
    p.finish();
    assert.ok(writes[1]?.endsWith('\n'));
  });

  it('prints plain lines every 5 s when not a TTY', () => {
    let now = 0;
    const writes: string[] = [];
    const p = new ProgressReporter({
      totalPatients: 10,
      output: { isTTY: false, write: (t) => writes.push(t) },
      now: () => now,
    });
    now = 4000;
    p.update(10, 1);
    now = 5000;
    p.update(10, 2);
    assert.deepEqual(writes, ['generate 2/10 patients (20%) 20 resources 4/s ETA 20s\n']);
  });
});
