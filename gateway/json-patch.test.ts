import assert from 'node:assert/strict';
import { applyAddressPatch, parsePatch, PatchRefusedError } from './json-patch.js';

describe('address JSON Patch', () => {
  const home = { use: 'home', city: 'Leeds' };

  it('adds, replaces, tests and removes within /address', () => {
    const ops = parsePatch([
      { op: 'add', path: '/address/-', value: { city: 'York' } },
      { op: 'test', path: '/address/0/city', value: 'Leeds' },
      { op: 'replace', path: '/address/0/city', value: 'Bath' },
      { op: 'remove', path: '/address/1' },
    ]);
    assert.deepEqual(applyAddressPatch([home], ops), [{ use: 'home', city: 'Bath' }]);
  });

  it('replaces the whole list and leaves the input untouched', () => {
    const before = [home];
    assert.deepEqual(
      applyAddressPatch(before, parsePatch([{ op: 'replace', path: '/address', value: [] }])),
      [],
    );
    assert.deepEqual(before, [home]);
  });

  it('refuses paths outside /address, unsupported ops, failed tests and non-Address results', () => {
    const reason = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof PatchRefusedError);
        return error.reason;
      }
      return 'none';
    };
    assert.equal(
      reason(() => parsePatch([{ op: 'replace', path: '/name', value: [] }])),
      'outside-address',
    );
    assert.equal(
      reason(() => parsePatch([{ op: 'move', from: '/address/0', path: '/address/1' }])),
      'unsupported-op',
    );
    assert.equal(
      reason(() => parsePatch([])),
      'malformed',
    );
    assert.equal(
      reason(() =>
        applyAddressPatch([home], parsePatch([{ op: 'test', path: '/address/0/city', value: 'X' }])),
      ),
      'failed',
    );
    assert.equal(
      reason(() => applyAddressPatch([home], parsePatch([{ op: 'add', path: '/address/-', value: 'str' }]))),
      'failed',
    );
    assert.equal(
      reason(() => applyAddressPatch([home], parsePatch([{ op: 'remove', path: '/address/5' }]))),
      'failed',
    );
  });
});
