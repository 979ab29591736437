import assert from 'node:assert/strict';
import { ProgressDisplay } from './progress.js';

/** A generate-style display on a fake clock, recording what it writes. */
function generateDisplay(isTTY: boolean, total: number) {
  const clock = { now: 0 };
  const writes: string[] = [];
  const display = new ProgressDisplay({
    label: 'generate',
    unit: 'patients',
    itemUnit: 'resources',
    total,
    output: { isTTY, write: (t) => writes.push(t) },
    now: () => clock.now,
  });
  return { clock, writes, display };
}

describe('common: progress display', () => {
  it('rewrites one line on a TTY with rate and ETA, throttled', () => {
    const { clock, writes, display } = generateDisplay(true, 100);
    clock.now = 100;
    display.update(10, 500);
    assert.equal(writes.length, 0, 'shown before 200 ms passed');
    clock.now = 1000;
    display.update(25, 1000);
    assert.equal(writes.length, 1);
    assert.equal(writes[0], '\rgenerate 25/100 patients (25%) 1000 resources 1000/s ETA 3s\u001b[K');
    display.finish();
    assert.ok(writes[1]?.endsWith('\n'));
  });

  it('prints plain lines every 5 s when not a TTY', () => {
    const { clock, writes, display } = generateDisplay(false, 10);
    clock.now = 4000;
    display.update(1, 10);
    clock.now = 5000;
    display.update(2, 20);
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
