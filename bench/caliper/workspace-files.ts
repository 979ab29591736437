/**
 * Writes a Caliper workspace into a run folder: the two YAML documents and a copy of the workload module (the
 * checked-in `bench/caliper/workload/`), so the folder alone says exactly what Caliper ran.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaliperRound } from './rounds.js';
import {
  benchmarkConfig,
  BENCHMARK_CONFIG_FILE,
  networkConfig,
  NETWORK_CONFIG_FILE,
  type CaliperTarget,
  type WorkloadSettings,
} from './workspace.js';
import { toYaml } from './yaml.js';

const WORKLOAD_FILES = ['ehr-workload.js', 'package.json'];
export const WORKLOAD_MODULE = 'workload/ehr-workload.js';

export interface WrittenWorkspace {
  dir: string;
  networkConfig: string;
  benchmarkConfig: string;
}

export function writeWorkspace(
  dir: string,
  rounds: readonly CaliperRound[],
  target: CaliperTarget,
  settings: Omit<WorkloadSettings, 'module'>,
): WrittenWorkspace {
  const workloadDir = path.join(dir, path.dirname(WORKLOAD_MODULE));
  mkdirSync(workloadDir, { recursive: true });
  const source = workloadSourceDir();
  for (const file of WORKLOAD_FILES) copyFileSync(path.join(source, file), path.join(workloadDir, file));
  const written = {
    dir,
    networkConfig: path.join(dir, NETWORK_CONFIG_FILE),
    benchmarkConfig: path.join(dir, BENCHMARK_CONFIG_FILE),
  };
  writeFileSync(written.networkConfig, toYaml(networkConfig(target)));
  writeFileSync(
    written.benchmarkConfig,
    toYaml(benchmarkConfig(rounds, target, { ...settings, module: WORKLOAD_MODULE })),
  );
  return written;
}

/** The checked-in workload folder, found from the compiled module (dist/bench/caliper) or the source tree. */
export function workloadSourceDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'bench', 'caliper', 'workload');
    if (existsSync(path.join(candidate, 'ehr-workload.js'))) return candidate;
  }
  throw new Error(`no bench/caliper/workload/ehr-workload.js above ${from}`);
}
