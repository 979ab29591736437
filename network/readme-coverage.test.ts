import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Like every folder's README test, this runs from the repository root (npm test, or mocha on a build dir).
const SOURCE = 'network';

describe('network/README.md', () => {
  it('documents every error code the folder can throw', () => {
    const readme = readFileSync(path.join(SOURCE, 'README.md'), 'utf8');
    const codes = new Set<string>();
    for (const file of readdirSync(SOURCE).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
    )) {
      const text = readFileSync(path.join(SOURCE, file), 'utf8');
      for (const match of text.matchAll(/'((?:TOPOLOGY|NODE_ENV|CHAINCODE|TAR|SUPERVISOR)_[A-Z_]+)'/g)) {
        if (match[1]) codes.add(match[1]);
      }
    }
    assert.ok(codes.size >= 10, `found only ${codes.size} codes`);
    assert.deepEqual(
      [...codes].filter((code) => !readme.includes(`\`${code}\``)),
      [],
    );
  });
});
