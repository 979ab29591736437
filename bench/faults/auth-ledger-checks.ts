/**
 * The "nothing written" facts every auth case ends with: the peer's ledger height did not move across the attacks,
 * and the victim's Patient, read back by a provider, is still its first version with its own name.
 */
import type { AuthEvidence } from './auth-evidence.js';
import { AUTH_USERS, VICTIM_PATIENT_ID } from './auth-fixtures.js';
import type { AuthStack } from './auth-stack.js';

/** Checks the height against `before`; returns the height now. */
export async function checkLedgerUnchanged(
  evidence: AuthEvidence,
  stack: AuthStack,
  before: number,
): Promise<number> {
  const after = await stack.ledgerHeight();
  evidence.check(
    'nothing written: the peer’s ledger height is unchanged',
    after === before,
    `${before} → ${after}`,
  );
  return after;
}

/** Returns the version a provider reads (undefined when the read failed). */
export async function checkVictimUnchanged(
  evidence: AuthEvidence,
  stack: AuthStack,
): Promise<string | undefined> {
  const token = await stack.login(AUTH_USERS.provider);
  const read = await stack.send({ method: 'GET', path: `/fhir/Patient/${VICTIM_PATIENT_ID}`, token });
  const stored = (read.status === 200 ? JSON.parse(read.body) : {}) as {
    meta?: { versionId?: string };
    name?: unknown;
  };
  const version = stored.meta?.versionId;
  evidence.check(
    'nothing written: the victim’s Patient is still version 1 with its own name',
    version === '1' && JSON.stringify(stored.name) === JSON.stringify(stack.fixtures.records[0]?.name),
    `${read.status} version ${version ?? '?'}`,
  );
  return version;
}
