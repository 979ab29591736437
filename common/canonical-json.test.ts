import assert from 'node:assert/strict';
import { canonicalJson, contentHash, sha256Hex, withoutServerMeta } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined members like JSON.stringify does', () => {
    assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}');
  });

  it('gives the same bytes for the same content in any key order', () => {
    assert.equal(canonicalJson({ x: 1, y: [1, 2] }), canonicalJson({ y: [1, 2], x: 1 }));
  });
});

describe('contentHash', () => {
  const patient = { resourceType: 'Patient', id: 'p1', gender: 'female' };

  it('ignores server-set versionId and lastUpdated', () => {
    const stored = { ...patient, meta: { versionId: '3', lastUpdated: '2024-01-01T00:00:00Z' } };
    assert.equal(contentHash(stored), contentHash(patient));
  });

  it('keeps other meta such as profile', () => {
    const profiled = { ...patient, meta: { profile: ['http://example.org/p'] } };
    assert.notEqual(contentHash(profiled), contentHash(patient));
    assert.deepEqual(
      withoutServerMeta({ ...profiled, meta: { ...profiled.meta, versionId: '1' } }),
      profiled,
    );
  });

  it('is the sha256 of the canonical JSON', () => {
    assert.equal(contentHash(patient), sha256Hex('{"gender":"female","id":"p1","resourceType":"Patient"}'));
  });
});
