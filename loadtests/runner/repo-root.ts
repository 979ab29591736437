/** The checkout root, found by walking up from a compiled module to the folder holding loadtests/tsconfig.json. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'loadtests', 'tsconfig.json'))) return dir;
  }
  throw new Error(`no fhirledger checkout (loadtests/tsconfig.json) above ${from}`);
}
