import assert from 'node:assert/strict';
import { sha256Hex } from '../../common/canonical-json.js';
import { DedupeIndex } from './dedupe-index.js';

describe('DedupeIndex', () => {
  const a = sha256Hex('a');
  const b = sha256Hex('b');

  it('tells new keys, exact duplicates and conflicts apart, per resource type', () => {
    const index = new DedupeIndex();
    assert.equal(index.check('Patient', 'p1', a), 'new');
    assert.equal(index.check('Patient', 'p1', a), 'duplicate');
    assert.equal(index.check('Patient', 'p1', b), 'conflict');
    assert.equal(index.check('Observation', 'p1', b), 'new');
    assert.equal(index.size, 2);
  });
});
