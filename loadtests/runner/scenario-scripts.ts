/** The scenarios `fhirledger load` knows, and where their k6 scripts live in the checkout. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError } from './load-error.js';

export const SCENARIOS = ['smoke', 'ramp', 'arrival', 'caliper', 'stress', 'soak', 'spike'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

/**
 * The runner is compiled into dist/ (or .build/<name>/) while the k6 scripts run from source, so walk up from this
 * module until a folder holds loadtests/scenarios/<name>.ts.
 */
export function scenarioScript(
  name: ScenarioName,
  from = path.dirname(fileURLToPath(import.meta.url)),
): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'loadtests', 'scenarios', `${name}.ts`);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new LoadError(
    'LOAD_SCRIPT_NOT_FOUND',
    `no loadtests/scenarios/${name}.ts above ${from}; run from a fhirledger checkout`,
  );
}
