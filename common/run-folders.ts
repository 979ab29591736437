/**
 * Where commands write when the user names no output: one folder per command under `runs/` in the current folder,
 * which .gitignore keeps out of the repository. Nothing a command writes by default lands in a tracked path or
 * loose in the current folder. `migrate` uses a fixed folder (runs/migrate/) so that `--resume` without flags finds
 * the checkpoint of the run before it.
 */
import path from 'node:path';

export const RUNS_ROOT = 'runs';

export function defaultRunFolder(command: 'migrate' | 'load' | 'demo'): string {
  return path.join(RUNS_ROOT, command);
}
