import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Like every folder's README test, this runs from the repository root (npm test, or mocha on a build dir).
const SOURCE = 'network';

/** Every non-test source file under network/, with its folder's README (or the nearest one above it). */
function sources(dir: string, readme: string): { file: string; readme: string }[] {
  const own = path.join(dir, 'README.md');
  const nearest = statSync(own, { throwIfNoEntry: false }) ? own : readme;
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sources(full, nearest);
    const isSource = entry.name.endsWith('.ts') && !/\.(test|fake|testkit)\.ts$/.test(entry.name);
    return isSource ? [{ file: full, readme: nearest }] : [];
  });
}

/** Error codes a file defines: a class's constant `code = 'X'`, or the members of a `type …ErrorCode =` union. */
function errorCodes(text: string): string[] {
  const codes = [...text.matchAll(/\bcode = '([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1] ?? '');
  for (const union of text.matchAll(/type \w*ErrorCode =([^;]+);/g)) {
    codes.push(...[...(union[1] ?? '').matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1] ?? ''));
  }
  return codes;
}

describe('network READMEs', () => {
  it('document every error code the devnet can raise, in the folder README or network/README.md', () => {
    const top = readFileSync(path.join(SOURCE, 'README.md'), 'utf8');
    const missing: string[] = [];
    let count = 0;
    for (const { file, readme } of sources(SOURCE, path.join(SOURCE, 'README.md'))) {
      const documented = `${readFileSync(readme, 'utf8')}\n${top}`;
      for (const code of errorCodes(readFileSync(file, 'utf8'))) {
        count++;
        if (!documented.includes(`\`${code}\``)) missing.push(`${code} (${file})`);
      }
    }
    assert.ok(count >= 20, `found only ${count} codes`);
    assert.deepEqual(missing, []);
  });
});
