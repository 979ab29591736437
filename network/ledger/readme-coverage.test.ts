import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Runs from the repository root, like the other README tests.
const SOURCE = path.join('network', 'ledger');

describe('network/ledger/README.md', () => {
  it('documents every LedgerError code', () => {
    const readme = readFileSync(path.join(SOURCE, 'README.md'), 'utf8');
    const source = readFileSync(path.join(SOURCE, 'ledger-error.ts'), 'utf8');
    const codes = [...source.matchAll(/'(LEDGER_[A-Z_]+)'/g)].map((match) => match[1] ?? '');
    assert.ok(codes.length >= 6, `found only ${codes.length} codes`);
    assert.deepEqual(
      codes.filter((code) => !readme.includes(`\`${code}\``)),
      [],
    );
    const thrown = readdirSync(SOURCE)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .flatMap((name) => [...readFileSync(path.join(SOURCE, name), 'utf8').matchAll(/'(LEDGER_[A-Z_]+)'/g)])
      .map((match) => match[1] ?? '');
    assert.deepEqual(
      thrown.filter((code) => !codes.includes(code)),
      [],
    );
  });
});
