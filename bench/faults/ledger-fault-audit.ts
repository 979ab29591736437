/**
 * What both ledger-folder cases (ENOSPC, EROFS) check the same way: how the writes during the fault were refused,
 * and, once the peer commits again, that nothing was committed half-way — the peer's height equals the orderer's,
 * its state fingerprint survives a restart and equals the state rebuilt from its block store, every acknowledged
 * write reads back, and no write refused before ordering is on the ledger.
 */
import type { Contract } from '@hyperledger/fabric-gateway';
import type { BenchDevnet } from '../devnet-harness.js';
import {
  ordererHeight,
  peerLedger,
  rebuildStateFromBlocks,
  restartPeer,
  waitForPeerAtOrdererHeight,
  type PeerLedger,
} from './disk-devnet.js';
import { auditWrites, type WriteAttempt, type WriteAudit } from './write-probe.js';

/** Checks on the writes made during the fault and on the peer's health then; `errno` is what they must name. */
export function refusalChecks(
  during: readonly WriteAttempt[],
  health: { status: number; body: string },
  errno: { name: string; pattern: RegExp },
): Record<string, boolean> {
  const refused = during.filter((attempt) => !attempt.acknowledged);
  return {
    'writes during the fault are refused (at least one)': refused.length > 0,
    [`every refusal is UNAVAILABLE and names ${errno.name}`]: refused.every(
      (attempt) => attempt.status === 'UNAVAILABLE' && errno.pattern.test(attempt.error ?? ''),
    ),
    // Answering at all shows the peer process stayed up.
    [`peer stays up and its /healthz answers 503 naming ${errno.name}`]:
      health.status === 503 && errno.pattern.test(health.body),
  };
}

/** One sentence on the refusals for the page: how many, and the first as the client saw it. */
export function refusalSentence(during: readonly WriteAttempt[], health: { status: number }): string {
  const refused = during.filter((attempt) => !attempt.acknowledged);
  const first = refused[0];
  const example =
    first === undefined
      ? ''
      : ` (first: ${first.errorClass ?? '?'} ${first.status ?? '?'}: ${first.error ?? ''})`;
  return `${refused.length} of ${during.length} writes refused during the fault${example}; /healthz ${health.status}.`;
}

export interface ConsistencyAudit {
  readonly checks: Record<string, boolean>;
  readonly writes: WriteAudit;
  readonly settled: PeerLedger;
  readonly sentence: string;
  readonly details: Record<string, unknown>;
}

/** Run once the peer commits again: waits for it to catch up, restarts it, rebuilds its state, reads writes back. */
export async function auditConsistency(
  devnet: BenchDevnet,
  contract: Contract,
  attempts: readonly WriteAttempt[],
): Promise<ConsistencyAudit> {
  const caughtUp = await waitForPeerAtOrdererHeight(devnet, 30_000);
  const settled = await peerLedger(devnet);
  const orderer = ordererHeight(devnet);
  restartPeer(devnet);
  const restarted = await peerLedger(devnet);
  const rebuilt = await rebuildStateFromBlocks(devnet);
  const writes = await auditWrites(contract, attempts);
  return {
    checks: {
      'peer height equals the orderer height': caughtUp && settled.height === orderer,
      'restart keeps height and state fingerprint':
        restarted.height === settled.height && restarted.fingerprint === settled.fingerprint,
      'state rebuilt from the block store equals the state': rebuilt.fingerprint === settled.fingerprint,
      'every acknowledged write is on the ledger': writes.onLedger === writes.acknowledged,
      'no write refused before ordering reached the ledger': writes.refusedButCommitted.length === 0,
    },
    writes,
    settled,
    sentence:
      `Height ${settled.height} (orderer ${String(orderer)}); state fingerprint ` +
      `${settled.fingerprint === rebuilt.fingerprint ? 'equal to' : 'DIFFERENT from'} the state rebuilt from the ` +
      `blocks; ${writes.onLedger} of ${writes.acknowledged} acknowledged writes on the ledger.`,
    details: {
      attempts: attempts.map(({ key, acknowledged, errorClass, status, error, ms }) => ({
        key,
        acknowledged,
        errorClass,
        status,
        error,
        ms,
      })),
      settled,
      restarted,
      rebuilt,
      ordererHeight: orderer,
      missing: writes.missing,
      refusedButCommitted: writes.refusedButCommitted,
      statusUnknownThenCommitted: writes.unknownThenCommitted,
    },
  };
}
