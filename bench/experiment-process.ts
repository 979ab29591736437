/**
 * The process one benchmark runs in: `node experiment-process.js <experiment> [args]`. `fhirledger bench` starts it,
 * and so do experiments that measure in child processes of their own.
 */
import { findExperiment } from './experiments.js';

const [name, ...args] = process.argv.slice(2);
const experiment = name === undefined ? undefined : findExperiment(name);
if (experiment === undefined) {
  process.stderr.write(`experiment-process: unknown experiment "${name ?? ''}"\n`);
  process.exitCode = 2;
} else {
  const { run } = await experiment.load();
  await run(args);
}
