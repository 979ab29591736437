/**
 * Starts the network's long-running processes (orderers, peers, CAs, the chaincode server) detached, one log and
 * one pid file per node under the run directory, and waits for each to answer its readiness URL. `stop` kills only
 * what it started: the pid file records the command line, and a pid whose /proc cmdline differs is someone else's
 * process that inherited a reused pid — it is never signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type SupervisorErrorCode =
  | 'SUPERVISOR_PORT_IN_USE'
  | 'SUPERVISOR_EXITED'
  | 'SUPERVISOR_NOT_READY'
  | 'SUPERVISOR_SPAWN_FAILED'
  | 'SUPERVISOR_ALREADY_RUNNING';

export class SupervisorError extends Error {
  readonly code: SupervisorErrorCode;
  readonly node: string;
  /** The last lines of the node's log, so the reason is visible without opening the file. */
  readonly logTail: string;
  constructor(code: SupervisorErrorCode, node: string, message: string, logTail = '', cause?: unknown) {
    super(logTail === '' ? message : `${message}\n--- last lines of the log ---\n${logTail}`, { cause });
    this.name = 'SupervisorError';
    this.code = code;
    this.node = node;
    this.logTail = logTail;
  }
}

/** Where the supervisor keeps each node's log and pid file. */
export interface ProcessLayout {
  readonly logsDir: string;
  readonly pidsDir: string;
  logFile(name: string): string;
  pidFile(name: string): string;
}

export interface Readiness {
  /**
   * Polled with GET until it answers 2xx, e.g. http://127.0.0.1:9443/healthz; or `tcp://127.0.0.1:9999` for a
   * server with no health endpoint (a chaincode server), ready once it accepts a connection.
   */
  url: string;
  /** How long the node gets to become ready, from spawn. */
  deadlineMs: number;
  intervalMs?: number;
}

export interface StartSpec {
  /** Node name: names the log and pid files and every error. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** 127.0.0.1 ports the node will listen on; checked free before spawning so a clash is named, not guessed. */
  ports: readonly number[];
  readiness: Readiness;
}

export interface RunningNode {
  name: string;
  pid: number;
  logFile: string;
}

const LOG_TAIL_LINES = 20;
const LOG_TAIL_BYTES = 8192;

export class Supervisor {
  constructor(readonly layout: ProcessLayout) {}

  async start(spec: StartSpec): Promise<RunningNode> {
    if (this.isRunning(spec.name)) {
      throw new SupervisorError(
        'SUPERVISOR_ALREADY_RUNNING',
        spec.name,
        `${spec.name} is already running (pid file ${this.layout.pidFile(spec.name)})`,
      );
    }
    for (const port of spec.ports) await assertPortFree(spec.name, port);

    mkdirSync(this.layout.logsDir, { recursive: true });
    mkdirSync(this.layout.pidsDir, { recursive: true });
    const logFile = this.layout.logFile(spec.name);
    const logFd = openSync(logFile, 'a');
    let child;
    try {
      child = spawn(spec.command, [...spec.args], {
        env: spec.env,
        cwd: spec.cwd,
        detached: true,
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      closeSync(logFd);
    }
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => {
        resolve(`could not be started: ${error.message}`);
      });
      child.once('exit', (code, signal) => {
        resolve(signal === null ? `exited with code ${code ?? '?'}` : `was killed by ${signal}`);
      });
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) {
      const reason = await exited;
      throw new SupervisorError(
        'SUPERVISOR_SPAWN_FAILED',
        spec.name,
        `${spec.name} (${spec.command}) ${reason}`,
      );
    }
    writeFileSync(
      this.layout.pidFile(spec.name),
      `${pid}\n${JSON.stringify([spec.command, ...spec.args])}\n`,
    );

    const outcome = await Promise.race([
      waitReady(spec.readiness).then((ready) => (ready ? 'ready' : 'deadline')),
      exited,
    ]);
    if (outcome === 'ready') return { name: spec.name, pid, logFile };

    await this.stop(spec.name);
    const tail = await readLogTail(logFile);
    if (outcome === 'deadline') {
      throw new SupervisorError(
        'SUPERVISOR_NOT_READY',
        spec.name,
        `${spec.name} did not answer ${spec.readiness.url} within ${spec.readiness.deadlineMs} ms; it was stopped (log ${logFile})`,
        tail,
      );
    }
    throw new SupervisorError(
      'SUPERVISOR_EXITED',
      spec.name,
      `${spec.name} ${outcome} before answering ${spec.readiness.url} (log ${logFile})`,
      tail,
    );
  }

  /** The recorded pid, when that pid is still running the recorded command line. */
  runningPid(name: string): number | undefined {
    const record = readPidFile(this.layout.pidFile(name));
    if (record === undefined) return undefined;
    return sameCommandLine(record.pid, record.argv) ? record.pid : undefined;
  }

  isRunning(name: string): boolean {
    return this.runningPid(name) !== undefined;
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`. Returns whether a process of ours was stopped. The pid file is removed in
   * every case: a stale one (process gone or pid reused by another program) describes nothing worth keeping.
   */
  async stop(name: string, graceMs = 5000): Promise<boolean> {
    return this.terminate(name, graceMs, 'SIGTERM');
  }

  /** SIGKILL at once, as a crash would end the node: no shutdown code runs. */
  async kill(name: string): Promise<boolean> {
    return this.terminate(name, 0, 'SIGKILL');
  }

  private async terminate(name: string, graceMs: number, first: NodeJS.Signals): Promise<boolean> {
    const pidFile = this.layout.pidFile(name);
    const pid = this.runningPid(name);
    if (pid === undefined) {
      rmSync(pidFile, { force: true });
      return false;
    }
    const record = readPidFile(pidFile);
    const argv = record?.argv ?? [];
    signal(pid, first);
    const deadline = Date.now() + graceMs;
    while (sameCommandLine(pid, argv) && Date.now() < deadline) await sleep(50);
    if (sameCommandLine(pid, argv)) {
      signal(pid, 'SIGKILL');
      while (sameCommandLine(pid, argv)) await sleep(20);
    }
    rmSync(pidFile, { force: true });
    return true;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: it exited between the check and the signal, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

interface PidRecord {
  pid: number;
  argv: readonly string[];
}

function readPidFile(file: string): PidRecord | undefined {
  if (!existsSync(file)) return undefined;
  const [pidLine = '', argvLine = ''] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const argv: unknown = JSON.parse(argvLine);
    if (!Array.isArray(argv) || !argv.every((part) => typeof part === 'string')) return undefined;
    return { pid, argv: argv };
  } catch (error) {
    // A pid file without a readable command line cannot prove the pid is ours, so it is treated as stale.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** /proc/<pid>/cmdline is argv joined by NULs; empty for a zombie, absent for a gone process. */
function sameCommandLine(pid: number, argv: readonly string[]): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  return cmdline === `${argv.join('\0')}\0`;
}

function assertPortFree(node: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new SupervisorError(
          'SUPERVISOR_PORT_IN_USE',
          node,
          error.code === 'EADDRINUSE'
            ? `${node} needs 127.0.0.1:${port}, which another process is already listening on (another network, or a leftover node: try "network down" or a different --base-port)`
            : `${node} cannot listen on 127.0.0.1:${port}: ${error.message}`,
          '',
          error,
        ),
      );
    });
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}

/** Polls until a 2xx answer (true) or the deadline (false); each probe has its own short deadline. */
async function waitReady(readiness: Readiness): Promise<boolean> {
  const deadline = Date.now() + readiness.deadlineMs;
  const interval = readiness.intervalMs ?? 100;
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    if (readiness.url.startsWith('tcp://')) {
      if (await acceptsConnection(new URL(readiness.url), Math.min(1000, remaining))) return true;
      await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
      continue;
    }
    try {
      const response = await fetch(readiness.url, { signal: AbortSignal.timeout(Math.min(1000, remaining)) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch (error) {
      // Refused or timed out: the node is not listening yet. Anything else is a bug worth seeing.
      if (!(error instanceof TypeError) && !(error instanceof DOMException)) throw error;
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
  return false;
}

export function acceptsConnection(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('timeout', () => {
      done(false);
    });
  });
}

async function readLogTail(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } finally {
    await handle.close();
  }
}
