import assert from 'node:assert/strict';
import { ProgressDisplay } from './progress.js';

describe('common: progress display', () => {
  it('rewrites one line on a TTY with rate and ETA, throttled', () => {
    let now = 0;
    const writes: string[] = [];
    const p = new ProgressDisplay({
      label: 'generate',
      unit: 'patients',
      itemUnit: 'resources',
      total: 100,
      output: { isTTY: true, write: (t) => writes.push(t) },
      now: () => now,
    });
    now = 100;
    p.update(10, 500);
    assert.equal(writes.length, 0, 'shown before 200 ms passed');
    now = 1000;
    p.update(25, 1000);
    assert.equal(writes.length, 1);
    assert.equal(writes[0], '\rgenerate 25/100 patients (25%) 1000 resources 1000/s ETA 3s\u001b[K');
    p.finish();
    assert.ok(writes[1]?.endsWith('\n'));
  });

  it('prints plain lines every 5 s when not a TTY', () => {
    let now = 0;
    const writes: string[] = [];
    const p = new ProgressDisplay({
      label: 'generate',
      unit: 'patients',
      itemUnit: 'resources',
      total: 10,
      output: { isTTY: false, write: (t) => writes.push(t) },
      now: () => now,
    });
    now = 4000;
    p.update(1, 10);
    now = 5000;
    p.update(2, 20);
    assert.deepEqual(writes, ['generate 2/10 patients (20%) 20 resources 4/s ETA 20s\n']);
  });

  it('counts records without a total (no percentage, no ETA), and with one when pre-counted', () => {
    let now = 0;
    const writes: string[] = [];
    const options = {
      label: 'migrate',
      unit: 'records',
      output: { write: (t: string) => writes.push(t) },
      now: () => now,
    };
    const unknown = new ProgressDisplay({ ...options, total: undefined });
    now = 2000;
    unknown.finish(970);
    const counted = new ProgressDisplay({ ...options, total: 1940 });
    now = 4000;
    counted.finish(970);
    assert.deepEqual(writes, [
      'migrate 970 records 485/s\n',
      'migrate 970/1940 records (50%) 485/s ETA 2s\n',
    ]);
  });
});
