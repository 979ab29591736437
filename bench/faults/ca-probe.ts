/**
 * A Fabric CA client at work while the CA is killed: the bootstrap registrar enrols through the unmodified
 * fabric-ca-client (network/node/ca-client.ts), once while the CA is down (it must fail at once, not hang) and then
 * repeatedly after the restart until it succeeds (the CA's recovery time).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { caTargetFromDevnet } from '../../gateway/seed-ca-enroller.js';
import { CaSession } from '../../network/node/ca-client.js';
import type { FaultNetwork, FaultNode, FaultTimes } from './fault-network.js';
import type { CaProbeFacts } from './process-outcome.js';

/** No probe waits longer than this for the CA, so a hanging CA shows as a slow failure, not a stuck bench. */
const PROBE_DEADLINE_MS = 30_000;
const RETRY_EVERY_MS = 250;

export interface EnrolAttempt {
  readonly ok: boolean;
  readonly ms: number;
  readonly error: string | null;
}

export async function enrolOnce(home: string): Promise<EnrolAttempt> {
  const target = caTargetFromDevnet(home);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer from the CA within ${PROBE_DEADLINE_MS} ms`));
    }, PROBE_DEADLINE_MS);
  });
  try {
    await Promise.race([
      new CaSession(target, target.registrar).enroll(target.registrar.id, target.registrar.secret),
      deadline,
    ]);
    return { ok: true, ms: Date.now() - started, error: null };
  } catch (error) {
    return {
      ok: false,
      ms: Date.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Enrols until one succeeds (at most `limitMs`); ms from `since` to that success, or null. */
export async function enrolUntilOk(home: string, since: number, limitMs = 30_000): Promise<number | null> {
  while (Date.now() - since < limitMs) {
    if ((await enrolOnce(home)).ok) return Date.now() - since;
    await sleep(RETRY_EVERY_MS);
  }
  return null;
}

/**
 * `network.killAndRestart`, with a fabric-ca-client enrolment tried at the start of the outage and, after the
 * restart, until one succeeds — when the node killed is the CA.
 */
export async function killAndRestartProbingCa(
  network: FaultNetwork,
  node: FaultNode,
  downMs: number,
): Promise<{ fault: FaultTimes; caProbe: CaProbeFacts | undefined }> {
  let whileDown: Promise<EnrolAttempt> | undefined;
  const fault = await network.killAndRestart(node, downMs, () => {
    if (node === 'ca.org1.example.com') whileDown = enrolOnce(network.home);
  });
  if (whileDown === undefined) return { fault, caProbe: undefined };
  return {
    fault,
    caProbe: { whileDown: await whileDown, recoveryMs: await enrolUntilOk(network.home, fault.restartAt) },
  };
}
