/**
 * The benchmarks `fhirledger bench` can run, each a script that writes its own results/<date>-<name>/run.json, and how
 * the command's flags become that script's arguments. Experiments that need a Fabric network (the CreateRecords
 * ceiling, gateway vs direct, the papers' load profiles, faults under load) are not here: see the top-level README.
 */
export interface Experiment {
  name: string;
  summary: string;
  /** Compiled script, relative to this file. */
  script: string;
  /** The one size flag the experiment takes, and how the script wants it. */
  size: { flag: 'patients' | 'gib' | 'transactions'; toArgs: (value: string) => string[] };
}

export const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'generate',
    summary:
      'generator throughput and peak RSS, ≥ 1 M resources, clean ×3 and 10 % dirty (--patients, default 23000)',
    script: '../generators/bench-generate.js',
    size: { flag: 'patients', toArgs: (value) => [value] },
  },
  {
    name: 'migrate-dry-run',
    summary:
      'migrator dry-run records/s, worker pool vs in-thread, validator start-up, dedupe memory (--patients, default 2000)',
    script: '../migrator/bench-dry-run.js',
    size: { flag: 'patients', toArgs: (value) => ['--patients', value] },
  },
  {
    name: 'bundle-stream',
    summary: 'streams one generated Bundle of --gib GiB (default 1) through the migrator, sampling RSS',
    script: '../migrator/bench-bundle-stream.js',
    size: { flag: 'gib', toArgs: (value) => ['--gib', value] },
  },
  {
    name: 'devnet',
    summary:
      'fabric-devnet committed tx/s, p50/p95 and CPU split, 1 KB puts and CreateRecords ×100, real fabric-gateway client (--transactions per level, default 2000)',
    script: './bench-devnet.js',
    size: { flag: 'transactions', toArgs: (value) => ['--transactions', value] },
  },
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((experiment) => experiment.name === name);
}
