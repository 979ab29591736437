/** Runs `k6 run` as a child process; k6's own output goes to the given stream (stderr), never to stdout. */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { LoadError } from './load-error.js';

export interface K6Run {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  log: Writable;
  /** Called with k6's pid once it is spawned (the SUT monitor samples k6 as the load generator). */
  onSpawn?: (pid: number) => void;
}

/** Resolves k6's exit code; 99 means thresholds were crossed, 107/108 a script error or abort (e.g. setup()). */
export function runK6(run: K6Run): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.binary, run.args, {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) run.onSpawn?.(child.pid);
    child.stdout.pipe(run.log, { end: false });
    child.stderr.pipe(run.log, { end: false });
    // k6 handles Ctrl-C itself (stops, still writes the summary); the runner must outlive it to write the report.
    const ignoreInterrupt = (): void => undefined;
    process.on('SIGINT', ignoreInterrupt);
    child.once('error', (error) => {
      process.off('SIGINT', ignoreInterrupt);
      reject(
        new LoadError('LOAD_K6_FAILED', `cannot start ${run.binary}: ${error.message}`, { cause: error }),
      );
    });
    child.once('close', (code, signal) => {
      process.off('SIGINT', ignoreInterrupt);
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}
