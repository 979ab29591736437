import assert from 'node:assert/strict';
import { isAtLeast, parseGoVersion } from './go-version.js';

describe('parseGoVersion', () => {
  it('reads go version output', () => {
    assert.deepEqual(parseGoVersion('go version go1.26.8 linux/amd64'), { major: 1, minor: 26, patch: 8 });
  });

  it('treats a missing patch as 0', () => {
    assert.deepEqual(parseGoVersion('go version go1.24 linux/amd64'), { major: 1, minor: 24, patch: 0 });
  });

  it('returns undefined for something that is not go', () => {
    assert.equal(parseGoVersion('bash: go: command not found'), undefined);
  });
});

describe('isAtLeast', () => {
  const minimum = { major: 1, minor: 26, patch: 4 };
  it('accepts newer patch, minor and major versions', () => {
    assert.equal(isAtLeast({ major: 1, minor: 26, patch: 8 }, minimum), true);
    assert.equal(isAtLeast({ major: 1, minor: 27, patch: 0 }, minimum), true);
    assert.equal(isAtLeast({ major: 2, minor: 0, patch: 0 }, minimum), true);
  });
  it('refuses older versions', () => {
    assert.equal(isAtLeast({ major: 1, minor: 26, patch: 3 }, minimum), false);
    assert.equal(isAtLeast({ major: 1, minor: 25, patch: 9 }, minimum), false);
  });
});
