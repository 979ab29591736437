import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CA_ERROR_CODES } from './ca-errors.js';

// Runs from the repository root, like network/readme-coverage.test.ts.
describe('network/ca and network/msp READMEs', () => {
  it('document every Fabric CA error code the CA can send', () => {
    const readme = readFileSync(path.join('network', 'ca', 'README.md'), 'utf8');
    const missing = Object.entries(CA_ERROR_CODES).filter(
      ([name, code]) => !new RegExp(`\\| ${code} \\| \`${name}\` \\|`).test(readme),
    );
    assert.deepEqual(missing, []);
    assert.ok(readme.includes('`CA_CONFIG`'));
  });

  it('document every MSP error reason and code', () => {
    const readme = readFileSync(path.join('network', 'msp', 'README.md'), 'utf8');
    for (const code of [
      'MALFORMED',
      'UNKNOWN_MSP',
      'UNTRUSTED_CHAIN',
      'EXPIRED',
      'BAD_NODE_OU',
      'POLICY_SYNTAX',
      'DER_MALFORMED',
    ]) {
      assert.ok(readme.includes(`\`${code}\``), code);
    }
  });
});
