import assert from 'node:assert/strict';
import {
  canonicalJson,
  canonicalJsonAndHash,
  contentHash,
  sha256Hex,
  withSortedKeys,
  withoutServerMeta,
} from './canonical-json.js';

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

describe('canonicalJson against JSON.stringify of a key-sorted copy (the definition it replaces)', () => {
  const records = [
    {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ given: ['Ann', 'B'], family: 'Ö"\\' }],
      active: true,
      x: null,
    },
    {
      resourceType: 'Observation',
      id: 'o1',
      meta: { versionId: '3', lastUpdated: '2024-01-01T00:00:00Z', tag: [] },
      valueQuantity: { value: 1.5e-7 },
    },
    {
      resourceType: 'Basic',
      id: 'b',
      meta: { versionId: '1' },
      extension: [{ url: 'u', valueInteger: -0 }],
      z: undefined,
    },
  ];

  const sortKeysDeep = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeysDeep);
    if (typeof value !== 'object' || value === null) return value;
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(source)
        .sort()
        .map((key) => [key, sortKeysDeep(source[key])]),
    );
  };

  it('serialises exactly like the definition, escapes, -0, exponents and undefined included', () => {
    for (const record of records) assert.equal(canonicalJson(record), JSON.stringify(sortKeysDeep(record)));
  });

  it('canonicalJsonAndHash gives the content hash, with and without server meta', () => {
    for (const record of records) {
      const sorted = JSON.parse(canonicalJson(record)) as typeof record;
      assert.equal(canonicalJsonAndHash(sorted).hash, contentHash(record));
    }
  });

  it('withSortedKeys returns the same object when already sorted, else a sorted copy', () => {
    const sorted = { a: 1, b: 2 };
    assert.equal(withSortedKeys(sorted), sorted);
    assert.deepEqual(Object.keys(withSortedKeys({ b: 1, a: 2 })), ['a', 'b']);
  });
});
