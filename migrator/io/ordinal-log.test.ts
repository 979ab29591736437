import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrdinalLog } from './ordinal-log.js';

describe('OrdinalLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ordinal-log-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts back to the checkpoint size on resume and does not repeat surviving entries', () => {
    const file = path.join(dir, 'dl.ndjson');
    const first = new OrdinalLog(file);
    first.append(2, { n: 2 });
    const position = first.position();
    first.append(5, { n: 5 });
    first.close();
    assert.deepEqual(position, { bytes: 8, maxOrdinal: 2 });

    const resumed = new OrdinalLog(file, position);
    assert.equal(resumed.append(2, { n: 2 }), false);
    assert.equal(resumed.append(5, { n: 5 }), true);
    resumed.close();
    assert.equal(readFileSync(file, 'utf8'), '{"n":2}\n{"n":5}\n');
  });

  it('refuses to resume a log shorter than the checkpoint recorded', () => {
    const file = path.join(dir, 'dl.ndjson');
    writeFileSync(file, '{}\n');
    assert.throws(() => new OrdinalLog(file, { bytes: 100, maxOrdinal: 9 }, 'dead letter'), {
      code: 'CHECKPOINT_INVALID',
      message: `${file} has 3 bytes but the checkpoint recorded 100; it was changed since, so resuming would lose or repeat dead letter entries`,
    });
  });
});
