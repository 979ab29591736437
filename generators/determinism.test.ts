import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../common/canonical-json.js';
import { generatePatientRecords } from './patient-timeline.js';
import { Rng } from './rng.js';
import { generatePopulation, writePopulation, type GeneratorOptionsInput } from './index.js';

async function outputHash(options: GeneratorOptionsInput): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-det-'));
  try {
    await writePopulation(dir, options);
    const hash = createHash('sha256');
    const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort();
    for (const name of files) hash.update(name).update(await readFile(path.join(dir, name)));
    return hash.digest('hex');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('generators: determinism', function () {
  this.timeout(30_000);

  it('gives the same sha256 for the same seed and options, clean and dirty', async () => {
    assert.equal(await outputHash({ patients: 30, seed: 11 }), await outputHash({ patients: 30, seed: 11 }));
    const dirty = { patients: 30, seed: 11, dirtyRate: 0.2 };
    assert.equal(await outputHash(dirty), await outputHash(dirty));
  });

  it('gives different output for another seed or another reference date', async () => {
    const base = await outputHash({ patients: 30, seed: 11 });
    assert.notEqual(await outputHash({ patients: 30, seed: 12 }), base);
    assert.notEqual(await outputHash({ patients: 30, seed: 11, referenceDate: '2024-06-01' }), base);
  });

  it('makes a patient depend only on (seed, index), not on what was generated before', () => {
    const options = { seed: 5, patients: 40, referenceMs: Date.parse('2025-01-01T00:00:00Z') };
    const alone = generatePatientRecords(new Rng(), options, 33);
    const inPopulation = [...generatePopulation({ patients: 40, seed: 5 })].filter(
      (r) => r.id === 's5-p33' || r.id?.startsWith('s5-p33-'),
    );
    assert.equal(sha256Hex(JSON.stringify(alone)), sha256Hex(JSON.stringify(inPopulation)));
  });
});
