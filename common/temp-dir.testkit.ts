/**
 * TEST ONLY: a fresh temporary folder for a mocha suite, made by a `before`/`beforeEach` hook and removed by the
 * matching `after`/`afterEach` (also when a test fails), so test files do not each repeat the mkdtemp/rm pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  /** The folder of the running test (or suite); reading it outside a test is a mistake and throws. */
  readonly path: string;
}

/**
 * Registers the hooks in the calling `describe`: `each` gives every test its own empty folder, `all` one folder for
 * the whole suite. The folder name starts with `prefix` so a leftover is easy to trace to its test.
 */
export function useTempDir(prefix: string, scope: 'each' | 'all'): TempDir {
  let current: string | undefined;
  const make = (): void => {
    current = mkdtempSync(path.join(os.tmpdir(), prefix));
  };
  const remove = (): void => {
    if (current !== undefined) rmSync(current, { recursive: true, force: true });
    current = undefined;
  };
  if (scope === 'each') {
    beforeEach(make);
    afterEach(remove);
  } else {
    before(make);
    after(remove);
  }
  return {
    get path(): string {
      if (current === undefined) throw new Error(`temporary folder ${prefix}* used outside its tests`);
      return current;
    },
  };
}
