/**
 * Runs fault cases one after another, each with a port offset of its own (taken in turn from the bench's offsets,
 * so a case never binds a port the case before it has just released) and a scratch folder deleted afterwards. A
 * case that throws is not dropped: it becomes a failing outcome carrying the error text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultCase, FaultOutcome } from './fault-case.js';

export interface RanOutcome {
  readonly outcome: FaultOutcome;
  /** When the case started (ISO) and how long it took: the page says when each row was measured. */
  readonly startedAt: string;
  readonly seconds: number;
  readonly portOffset: number;
}

export interface RunnerOptions {
  readonly portOffsets: readonly number[];
  readonly log: (line: string) => void;
}

export function thrownOutcome(fault: FaultCase, error: unknown): FaultOutcome {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    id: fault.id,
    group: fault.group,
    done: fault.summary,
    happened: `the case stopped with an error before its verdict: ${text.slice(0, 400)}`,
    passed: false,
    checks: { 'the case ran to its verdict': false },
  };
}

export async function runFaultCases(
  cases: readonly FaultCase[],
  options: RunnerOptions,
): Promise<RanOutcome[]> {
  if (options.portOffsets.length === 0) throw new RangeError('runFaultCases needs at least one port offset');
  const ran: RanOutcome[] = [];
  for (const [index, fault] of cases.entries()) {
    const portOffset = options.portOffsets[index % options.portOffsets.length] as number;
    const workDir = mkdtempSync(path.join(os.tmpdir(), `fhirledger-fault-${fault.id}-`));
    const started = Date.now();
    options.log(`[${index + 1}/${cases.length}] ${fault.group}/${fault.id}: ${fault.summary}`);
    let outcome: FaultOutcome;
    try {
      outcome = await fault.run({ portOffset, workDir, log: options.log });
    } catch (error) {
      outcome = thrownOutcome(fault, error);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    options.log(`  → ${outcome.passed ? 'passed' : 'FAILING'} in ${seconds} s: ${outcome.happened}`);
    ran.push({ outcome, startedAt: new Date(started).toISOString(), seconds, portOffset });
  }
  return ran;
}
