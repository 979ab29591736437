/**
 * The benchmarks `fhirledger bench` can run, each a module exporting `run(args)` that writes its own
 * results/<date>-<name>/run.json, and how the command's flags become its arguments. The modules are imported by
 * literal paths the compiler checks; each runs in its own process (experiment-process.ts) so its timings and peak
 * RSS are its own. `devnet`, `migrate-live` and `paper-crash` start a fabric-devnet of their own; `paper-crash` faults the paper
 * profile under load.
 */
import { fileURLToPath } from 'node:url';

export interface ExperimentModule {
  run: (args: readonly string[]) => Promise<void>;
}

export interface Experiment {
  name: string;
  summary: string;
  load: () => Promise<ExperimentModule>;
  /** Whether the module reads its own flags (it gets `fhirledger bench <name> …`'s arguments as they are). */
  ownFlags?: true;
  /** The one size flag the experiment takes, and how the module wants it. */
  size: {
    flag: 'patients' | 'gib' | 'transactions' | 'users' | 'records';
    toArgs: (value: string) => string[];
  };
}

export const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'generate',
    summary:
      'generator throughput and peak RSS, ≥ 1 M resources, clean ×3 and 10 % dirty (--patients, default 23000)',
    load: () => import('./generate.js'),
    size: { flag: 'patients', toArgs: (value) => [value] },
  },
  {
    name: 'migrate-dry-run',
    summary:
      'migrator dry-run records/s, worker pool vs in-thread, validator start-up, dedupe memory (--patients, default 2000)',
    load: () => import('./migrate-dry-run.js'),
    size: { flag: 'patients', toArgs: (value) => ['--patients', value] },
  },
  {
    name: 'bundle-stream',
    summary: 'streams one generated Bundle of --gib GiB (default 1) through the migrator, sampling RSS',
    load: () => import('./bundle-stream.js'),
    size: { flag: 'gib', toArgs: (value) => ['--gib', value] },
  },
  {
    name: 'devnet',
    summary:
      'fabric-devnet committed tx/s, p50/p95 and CPU split, 1 KB puts and CreateRecords ×100, real fabric-gateway client (own flags: fhirledger bench devnet --help)',
    load: () => import('./bench-devnet.js'),
    ownFlags: true,
    size: { flag: 'transactions', toArgs: (value) => ['--transactions', value] },
  },
  {
    name: 'users-seed',
    summary:
      'users seed users/s from the devnet CA, a fresh devnet per concurrency 4, 8, 16, a re-run, and the SDK-key baseline (--users, default 2000)',
    load: () => import('./bench-users-seed.js'),
    size: { flag: 'users', toArgs: (value) => ['--users', value] },
  },
  {
    name: 'migrate-live',
    summary:
      'migrator loading ≥ --records (default 1000000) generated records into a devnet: records/s, peak RSS, ratio to the raw CreateRecords ceiling measured in the same run, and the dry-run figure',
    load: () => import('./migrate-live.js'),
    size: { flag: 'records', toArgs: (value) => ['--records', value] },
  },
  {
    name: 'paper-crash',
    summary:
      'paper profile crash recovery: Raft leader killed under load (commit gap, lost writes), two orderers down, peer0.org2 killed under load, catch-up times (--transactions per load, default 2000)',
    load: () => import('./bench-paper-crash.js'),
    size: { flag: 'transactions', toArgs: (value) => ['--transactions', value] },
  },
  {
    name: 'faults',
    summary:
      'issue 18: processes killed under a k6 load and a live migration, disk, auth and hostile-bytes cases → results/faults/ (own flags: fhirledger bench faults --help)',
    load: () => import('./bench-faults.js'),
    ownFlags: true,
    size: { flag: 'transactions', toArgs: () => [] },
  },
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((experiment) => experiment.name === name);
}

/** The compiled entry that runs one experiment in a process of its own (bench/experiment-process.ts). */
export const EXPERIMENT_PROCESS = fileURLToPath(new URL('./experiment-process.js', import.meta.url));

/** node arguments that run `experiment` with `args` in a new process (for an experiment's own child processes). */
export function childProcessArgs(experiment: string, args: readonly string[]): string[] {
  return [EXPERIMENT_PROCESS, experiment, ...args];
}
