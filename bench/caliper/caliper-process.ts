/**
 * Runs `caliper launch manager` on a workspace, its console output (the manager's and its workers') written to a
 * log file as it comes, with a deadline after which the whole process group is killed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { CaliperInstall } from '../../toolchain/caliper.js';

export interface CaliperLaunch {
  caliper: CaliperInstall;
  workspace: string;
  networkConfig: string;
  benchmarkConfig: string;
  reportFile: string;
  logFile: string;
  deadlineMs: number;
  /** Each line of Caliper's output, e.g. to echo progress on stderr. */
  onLine?: (line: string) => void;
}

export interface CaliperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  seconds: number;
}

export function launchManager(launch: CaliperLaunch): Promise<CaliperExit> {
  const args = [
    launch.caliper.cli,
    'launch',
    'manager',
    '--caliper-workspace',
    launch.workspace,
    '--caliper-networkconfig',
    launch.networkConfig,
    '--caliper-benchconfig',
    launch.benchmarkConfig,
    '--caliper-report-path',
    launch.reportFile,
    // Deploying chaincode is not something the peer-gateway connector does; only the test phase runs.
    '--caliper-flow-only-test',
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const log = createWriteStream(launch.logFile);
    const child = spawn(process.execPath, args, {
      cwd: launch.caliper.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Caliper runs in its own process group (so the deadline can kill its workers too): pass Ctrl-C on to it, and
    // read whatever report it leaves.
    const forwardInterrupt = (): void => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    };
    process.on('SIGINT', forwardInterrupt);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, launch.deadlineMs);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      if (launch.onLine === undefined) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) launch.onLine(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      process.off('SIGINT', forwardInterrupt);
      log.end();
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forwardInterrupt);
      log.end(() => {
        resolve({ code, signal, timedOut, seconds: (Date.now() - started) / 1000 });
      });
    });
  });
}
