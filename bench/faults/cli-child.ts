/**
 * `fhirledger …` as a child process of a fault case: the same CLI a user runs, started without blocking the event
 * loop (a case injects its fault while a load or a migration runs), each stderr line kept with the moment it
 * arrived, and a hard time limit after which the child is SIGKILLed so no case can hang the bench.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FHIRLEDGER_CLI = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'cli',
  'main.js',
);

export interface ChildLine {
  /** Epoch ms at which the line arrived. */
  readonly atMs: number;
  readonly text: string;
}

export interface ChildResult {
  /** Exit code; null when a signal ended it (the time limit, or a kill). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderrLines: readonly ChildLine[];
  /** Whether the time limit ended it. */
  readonly timedOut: boolean;
  /** Epoch ms at which it ended. */
  readonly endedAt: number;
}

export interface RunningChild {
  readonly pid: number | undefined;
  /** The stderr lines so far (the array grows while the child runs). */
  readonly stderrLines: readonly ChildLine[];
  readonly done: Promise<ChildResult>;
  hasExited(): boolean;
  /** SIGKILL, for a case that gives up on the child. */
  kill(): void;
}

export function startFhirledger(
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): RunningChild {
  const child = spawn(process.execPath, [FHIRLEDGER_CLI, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrLines: ChildLine[] = [];
  let stdout = '';
  let partial = '';
  let timedOut = false;
  let exited = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    const atMs = Date.now();
    for (const line of parts) stderrLines.push({ atMs, text: line });
  });
  const limit = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(limit);
      exited = true;
      if (partial !== '') stderrLines.push({ atMs: Date.now(), text: partial });
      resolve({ status, stdout, stderrLines, timedOut, endedAt: Date.now() });
    });
  });
  return {
    pid: child.pid,
    stderrLines,
    done,
    hasExited: () => exited,
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** Runs `fhirledger …` to the end. */
export function runFhirledger(
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ChildResult> {
  return startFhirledger(args, options).done;
}

/** Runs `fhirledger …` and throws with its stderr tail unless it exits 0. */
export async function runFhirledgerOk(args: readonly string[], timeoutMs: number): Promise<ChildResult> {
  const result = await runFhirledger(args, { timeoutMs });
  if (result.status !== 0) {
    const tail = result.stderrLines
      .slice(-8)
      .map((line) => line.text)
      .join('\n');
    throw new Error(
      `fhirledger ${args.slice(0, 3).join(' ')} exited ${String(result.status)}${result.timedOut ? ' (time limit)' : ''}: ${tail}`,
    );
  }
  return result;
}
