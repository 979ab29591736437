/**
 * A process killed under load: `fhirledger up` in the case's folder, `fhirledger load smoke` (real k6, a few VUs
 * through the gateway, with the acknowledged-write audit) started as a user starts it, the node SIGKILLed a few
 * seconds in and restarted after a short outage, then the verdict from k6's raw points and the audit
 * (load-fault-verdict.ts). Bounded: 3 VUs, 30 s of load, every child under a time limit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestTimeoutFromEnv } from '../../gateway/config.js';
import type { AcknowledgedCheck } from '../../loadtests/runner/ledger-audit.js';
import { readPointsFile } from '../../loadtests/runner/points-file.js';
import { killAndRestartProbingCa } from './ca-probe.js';
import { startFhirledger } from './cli-child.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { processCase } from './process-outcome.js';
import { FaultNetwork, type FaultNode } from './fault-network.js';
import { judgeLoadFault, type ClientExpectation } from './load-fault-verdict.js';

export const LOAD_VUS = 3;
export const LOAD_SECONDS = 30;
const THINK_SECONDS = 0.5;
/** From starting `fhirledger load` to the kill: k6 has started, logged in and run a few loops. */
const KILL_AFTER_MS = 10_000;
export const DOWN_MS = 3000;
const LOAD_LIMIT_MS = 240_000;

export interface LoadFaultSpec {
  readonly id: string;
  readonly node: FaultNode;
  readonly summary: string;
  readonly expectation: ClientExpectation;
}

interface LoadRunJson {
  figures: { k6ExitCode: number; acknowledged: AcknowledgedCheck | null };
}

export function loadFaultCase(spec: LoadFaultSpec): FaultCase {
  return processCase(spec, runLoadFault);
}

async function runLoadFault(spec: LoadFaultSpec, context: FaultContext): Promise<FaultOutcome> {
  // The stack's gateway keeps the gateway's default per-request deadline unless the environment sets one; read
  // before anything starts, so a bad value fails the case with the variable named and no devnet to clean up.
  const gatewayDeadlineMs = requestTimeoutFromEnv(process.env);
  const network = new FaultNetwork(path.join(context.workDir, 'stack'), context.portOffset, 'stack');
  try {
    context.log(`${spec.id}: fhirledger up at port offset ${context.portOffset}`);
    await network.up();
    context.log(
      `${spec.id}: load smoke (${LOAD_VUS} VUs, ${LOAD_SECONDS} s); ${spec.node} killed ${KILL_AFTER_MS / 1000} s in`,
    );
    const load = startFhirledger(
      [
        'load',
        'smoke',
        '--stack-home',
        network.home,
        '--duration',
        `${LOAD_SECONDS}s`,
        '--think-time',
        String(THINK_SECONDS),
        '--out',
        path.join(context.workDir, 'load'),
      ],
      { timeoutMs: LOAD_LIMIT_MS, env: { SMOKE_VUS: String(LOAD_VUS) } },
    );
    let faulted: Awaited<ReturnType<typeof killAndRestartProbingCa>>;
    try {
      await sleep(KILL_AFTER_MS);
      if (load.hasExited())
        throw new Error(`fhirledger load ended before the fault: ${tail(load.stderrLines)}`);
      faulted = await killAndRestartProbingCa(network, spec.node, DOWN_MS);
    } catch (error) {
      // k6 itself stops at the end of its bounded duration; the runner need not wait for it.
      load.kill();
      throw error;
    }
    const { fault, caProbe } = faulted;
    context.log(`${spec.id}: restarted ${spec.node}; waiting for the load to end`);
    const result = await load.done;
    const folder = /^run folder: (.+)$/m.exec(result.stdout)?.[1];
    if (folder === undefined)
      throw new Error(`fhirledger load wrote no run folder: ${tail(result.stderrLines)}`);
    const runJson = JSON.parse(readFileSync(path.join(folder, 'run.json'), 'utf8')) as LoadRunJson;
    const observations = await readPointsFile(path.join(folder, 'points.json.gz'));
    return judgeLoadFault({
      id: spec.id,
      done: spec.summary,
      fault,
      requests: observations.requests,
      failures: observations.failures,
      audit: runJson.figures.acknowledged,
      k6ExitCode: runJson.figures.k6ExitCode,
      gatewayDeadlineMs,
      expectation: spec.expectation,
      ...(caProbe === undefined ? {} : { caProbe }),
    });
  } finally {
    await network.down();
  }
}

function tail(lines: readonly { text: string }[]): string {
  return lines
    .slice(-5)
    .map((line) => line.text)
    .join(' | ');
}
