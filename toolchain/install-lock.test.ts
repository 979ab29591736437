import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withLock } from './install-lock.js';

describe('withLock', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-lock-'));

  it('runs one holder at a time', async () => {
    const lock = path.join(dir, 'a.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name}+`);
        await sleep(50);
        events.push(`${name}-`);
      });
    await Promise.all([holder('x'), holder('y')]);
    assert.ok(events.join(',') === 'x+,x-,y+,y-' || events.join(',') === 'y+,y-,x+,x-', events.join(','));
    assert.equal(existsSync(lock), false);
  });

  it('takes over a lock whose owner is dead', async () => {
    const lock = path.join(dir, 'b.lock');
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), '999999999');
    const value = await withLock(lock, () => Promise.resolve(42));
    assert.equal(value, 42);
  });

  it('releases the lock when the work throws', async () => {
    const lock = path.join(dir, 'c.lock');
    await assert.rejects(
      withLock(lock, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(existsSync(lock), false);
  });
});
