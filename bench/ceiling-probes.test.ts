import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ceilingRecords, timeWeightedMean, type CeilingProbe } from './ceiling-probes.js';

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

  it("takes a probe's records in the data set's mix of files, ids prefixed", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'ceiling-probes-'));
    try {
      const files = [
        { type: 'Organization', records: 10 },
        { type: 'Patient', records: 30 },
        { type: 'Observation', records: 60 },
      ].map(({ type, records }) => {
        const file = path.join(folder, `${type}.ndjson`);
        const lines = Array.from({ length: records }, (_, n) =>
          JSON.stringify({ resourceType: type, id: `${n}` }),
        );
        writeFileSync(file, `${lines.join('\n')}\n`);
        return { file, records };
      });
      const probe = (await ceilingRecords(files, 20, 'cp0-')).map(
        (line) => JSON.parse(line) as { resourceType: string; id: string },
      );
      const perType = (type: string) => probe.filter((record) => record.resourceType === type).length;
      assert.deepEqual([perType('Organization'), perType('Patient'), perType('Observation')], [2, 6, 12]);
      assert.ok(probe.every((record) => record.id.startsWith('cp0-')));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
