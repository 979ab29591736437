import os from 'node:os';
import path from 'node:path';

/**
 * Where fhirledger keeps what it builds or downloads (k6, Fabric binaries): `FHIRLEDGER_HOME`, else the user's cache
 * dir (`XDG_CACHE_HOME` or ~/.cache) + `/fhirledger`. Outside the repo, so a fresh clone reuses a warm cache.
 */
export function fhirledgerHome(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.FHIRLEDGER_HOME;
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const cacheRoot =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== ''
      ? env.XDG_CACHE_HOME
      : path.join(os.homedir(), '.cache');
  return path.join(cacheRoot, 'fhirledger');
}
