/**
 * Every measured run gets its own folder under results/: `results/<UTC date>-<experiment>[-n]/` holding
 * `run.json` (experiment, config, versions, commit, machine, raw figures) and whatever else the experiment writes.
 * Results are machine-written; nobody edits them by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunEnvironment {
  commit: string;
  dirty: boolean;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  startedAt: string;
}

export function describeEnvironment(): RunEnvironment {
  const cpus = os.cpus();
  return {
    commit: gitOutput(['rev-parse', 'HEAD']) ?? 'unknown',
    // Tracked files only: a worktree's node_modules symlink or a scratch file is not a change to the measured code.
    dirty: (gitOutput(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    startedAt: new Date().toISOString(),
  };
}

function gitOutput(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (error) {
    // Outside a git checkout (e.g. an unpacked tarball) the commit is simply unknown.
    if (error instanceof Error) return undefined;
    throw error;
  }
}

/**
 * A path as a run.json may keep it: relative to the working folder when inside it, else only its last two parts
 * (a temporary home's name says nothing useful, and an absolute path would name this machine).
 */
export function portablePath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative;
  return path.join('…', ...file.split(path.sep).slice(-2));
}

/** Creates a fresh run folder and returns its path; never reuses one, so earlier runs stay as they were. */
export function createRunFolder(experiment: string, resultsRoot = 'results'): string {
  const date = new Date().toISOString().slice(0, 10);
  let folder = path.join(resultsRoot, `${date}-${experiment}`);
  for (let n = 2; existsSync(folder); n += 1) folder = path.join(resultsRoot, `${date}-${experiment}-${n}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

export function writeRunJson(folder: string, experiment: string, config: unknown, figures: unknown): string {
  const file = path.join(folder, 'run.json');
  const body = { experiment, environment: describeEnvironment(), config, figures };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}
