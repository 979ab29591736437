/**
 * How the gateway reaches the ledger: each authenticated user gets their own `EhrLedger` (their own Fabric
 * identity, so the chaincode sees who really acts) from a `LedgerForUser` provider, and every call goes through
 * `LedgerCaller`, which applies back-pressure, the request deadline, and the bounded MVCC retry.
 */
import type { Committed, EhrLedger, Role, TxName } from '../common/ehr-contract.js';
import type { LedgerAdmission } from './admission.js';
import { backoffDelay, mayRetry, type RetryPolicy } from '../ledger-client/retry.js';
import { DeadlineExceededError, OverloadedError } from './failure.js';
import type { GatewayMetrics } from './metrics.js';

/** The Fabric identity files of one user, as named in the credentials store. */
export interface FabricIdentityFiles {
  mspId: string;
  certificatePath: string;
  privateKeyPath: string;
}

export interface LedgerUser {
  /** The token's `sub`. */
  subject: string;
  role: Role;
  patientId?: string;
  fabricIdentity: FabricIdentityFiles;
}

/** Supplies the ledger as seen by one user; the Fabric implementation caches connections per identity. */
export type LedgerForUser = (user: LedgerUser) => EhrLedger;

export class LedgerCaller {
  constructor(
    private readonly admission: LedgerAdmission,
    private readonly metrics: GatewayMetrics,
    private readonly retry: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  read<T>(deadlineAt: number, work: () => Promise<T>): Promise<T> {
    return this.counted(this.admission.run(work, deadlineAt));
  }

  /**
   * A write answered only once committed. Retried only when ledger-client's one decision (`mayRetry`) says nothing
   * was written (an MVCC/phantom read conflict, an unreachable peer before endorsement): the same call (same
   * expected version) is sent again as a new transaction, a bounded number of times; re-reading the version instead
   * would silently overwrite the concurrent writer's change. Gateway writes are not idempotent (a create, a versioned
   * update), so an unknown outcome is never sent again blind.
   */
  async write<T>(tx: TxName, deadlineAt: number, work: () => Promise<Committed<T>>): Promise<Committed<T>> {
    const committed = await this.counted(
      this.admission.run(() => this.withRetry(work, deadlineAt), deadlineAt),
    );
    this.metrics.observePhases(tx, committed.timings);
    return committed;
  }

  private async withRetry<T>(work: () => Promise<T>, deadlineAt: number): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (!mayRetry(error, { idempotent: false }) || attempt >= this.retry.maxAttempts) throw error;
        const delay = backoffDelay(this.retry, attempt, this.random);
        if (Date.now() + delay >= deadlineAt) throw error;
        this.metrics.ledgerRetries.inc();
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async counted<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof OverloadedError) this.metrics.ledgerRefusals.inc({ reason: 'overloaded' });
      if (error instanceof DeadlineExceededError) this.metrics.ledgerRefusals.inc({ reason: 'deadline' });
      throw error;
    }
  }
}
