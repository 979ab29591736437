/**
 * TEST ONLY: a live `fhirledger migrate` as a child process the test can watch and SIGKILL, and the audit that
 * follows it. The crash tests drive the real CLI against a real devnet: nothing here knows how the migrator works
 * inside, only its stderr lines, its exit code and its files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, runCli, type TestDevnet } from '../network/test/devnet.testkit.js';
import { FROZEN_MARKER, TEST_FREEZE_ENV } from './io/test-freeze.js';
import { cleanAuditCounts } from './verify/ledger-audit.js';
import type { VerifyReport } from './verify-cli.js';

/** No migrate child may outlive this, whatever happens in the test. */
const CHILD_LIMIT_MS = 120_000;

export interface ChildRun {
  /** Resolves with the exit code (null when killed by a signal) and everything written on stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once a stderr line matches `pattern` (rejects if the child exits first). */
  waitForLine(pattern: RegExp): Promise<string>;
  /** How many stderr lines so far matched `pattern`. */
  count(pattern: RegExp): number;
  hasExited(): boolean;
  kill(): void;
}

export class LiveMigration {
  constructor(
    readonly devnet: TestDevnet,
    /** The migrate flags every run of this migration shares (--input, --report, ...). */
    private readonly args: readonly string[],
  ) {}

  get profile(): string {
    return path.join(this.devnet.home, 'fhirledger-connection.json');
  }

  /** Starts `fhirledger migrate` (with `--resume` when asked), frozen at `freezeAt` when given. */
  start(options: { resume?: boolean; freezeAt?: string } = {}): ChildRun {
    const argv = [
      CLI,
      'migrate',
      ...this.args,
      '--connection',
      this.profile,
      ...(options.resume === true ? ['--resume'] : []),
    ];
    const env = { ...process.env, [TEST_FREEZE_ENV]: options.freezeAt ?? '' };
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const limit = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    const lines: string[] = [];
    const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
      (resolve) => {
        child.on('exit', (code, signal) => {
          clearTimeout(limit);
          for (const waiter of waiters.splice(0)) {
            waiter.reject(new Error(`migrate exited (${String(code ?? signal)}) before ${waiter.pattern}`));
          }
          resolve({ code, signal, stderr: [...lines, partial].join('\n') });
        });
      },
    );
    return {
      exited,
      waitForLine: (pattern) => {
        const seen = lines.find((line) => pattern.test(line));
        if (seen !== undefined) return Promise.resolve(seen);
        if (child.exitCode !== null || child.signalCode !== null) {
          return Promise.reject(new Error(`migrate already exited before ${pattern}`));
        }
        return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
      },
      count: (pattern) => lines.filter((line) => pattern.test(line)).length,
      hasExited: () => child.exitCode !== null || child.signalCode !== null,
      kill: () => child.kill('SIGKILL'),
    };
  }

  /** Starts a run frozen at `freezeAt`, waits until it is frozen there, and SIGKILLs it. */
  async crashAt(freezeAt: string, resume: boolean): Promise<void> {
    const run = this.start({ resume, freezeAt });
    await run.waitForLine(new RegExp(`${FROZEN_MARKER} ${freezeAt}$`));
    run.kill();
    const { signal } = await run.exited;
    assert.equal(signal, 'SIGKILL', `the run frozen at ${freezeAt} was not the one killed`);
  }

  /** `migrate verify` with the same input, as a user runs it after a migration. */
  verify(input: string, report: string): { status: number | null; stdout: string; report: VerifyReport } {
    const result = runCli([
      'migrate',
      'verify',
      '--input',
      input,
      '--connection',
      this.profile,
      '--report',
      report,
      '--workers',
      '0',
    ]);
    return {
      status: result.status,
      stdout: `${result.stdout}\n${result.stderr}`,
      report: JSON.parse(readFileSync(report, 'utf8')) as VerifyReport,
    };
  }
}

/** The report of a migrate run, the fields the crash tests read. */
export interface MigrateReportCounts {
  status: string;
  records: { read: number; accepted: number; rejected: number };
  ledger: { created: number; unchanged: number; conflict: number; invalid: number };
  resumedFrom?: number;
}

export function readMigrateReport(file: string): MigrateReportCounts {
  return JSON.parse(readFileSync(file, 'utf8')) as MigrateReportCounts;
}

/** The audit found the ledger equal to the valid input set: no record missing, none extra, none written twice. */
export function assertLedgerMatches(verified: ReturnType<LiveMigration['verify']>, accepted: number): void {
  assert.equal(verified.status, 0, verified.stdout);
  assert.equal(verified.report.status, 'match');
  assert.deepEqual({ ...verified.report.counts }, cleanAuditCounts(accepted));
}
