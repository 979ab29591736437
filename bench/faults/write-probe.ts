/**
 * Writes through the unmodified @hyperledger/fabric-gateway client and what became of each: acknowledged (the
 * submit returned, committed VALID) or refused (the client's error class, gRPC status and message, with the
 * gateway's per-peer details), then the audit that reads every acknowledged key back from the ledger.
 */
import { randomBytes } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, type Contract } from '@hyperledger/fabric-gateway';

export interface WriteAttempt {
  readonly key: string;
  readonly value: string;
  readonly acknowledged: boolean;
  /** fabric-gateway's error class: EndorseError, SubmitError, CommitStatusError, CommitError… */
  readonly errorClass?: string;
  /** The gRPC status name, e.g. UNAVAILABLE, DEADLINE_EXCEEDED. */
  readonly status?: string;
  /** The error's message and its per-peer details, as the client saw them. */
  readonly error?: string;
  readonly ms: number;
}

/** A value above a memory page, so a full file system cannot absorb the block in a page's slack. */
export function pageSizedValue(): string {
  return randomBytes(3_000).toString('hex');
}

export async function attemptPut(contract: Contract, key: string, value: string): Promise<WriteAttempt> {
  const started = Date.now();
  try {
    await contract.submitTransaction('put', key, value);
    return { key, value, acknowledged: true, ms: Date.now() - started };
  } catch (error) {
    return { key, value, acknowledged: false, ...describeClientError(error), ms: Date.now() - started };
  }
}

export function describeClientError(error: unknown): { errorClass: string; status?: string; error: string } {
  if (!(error instanceof Error)) return { errorClass: typeof error, error: String(error) };
  if (error instanceof GatewayError) {
    const details = error.details.map((detail) => `${detail.address}: ${detail.message}`);
    return {
      errorClass: error.name,
      status: GrpcStatus[error.code] ?? String(error.code),
      error: [error.message, ...details].join(' | '),
    };
  }
  return { errorClass: error.name, error: error.message };
}

/** Acknowledged writes found with their value, and writes that were refused before ordering yet reached the ledger. */
export interface WriteAudit {
  readonly acknowledged: number;
  readonly onLedger: number;
  readonly missing: readonly string[];
  /** Refused at Endorse or Submit (never ordered) but on the ledger: would be a half-commit. */
  readonly refusedButCommitted: readonly string[];
  /** Refused at CommitStatus (ordered, outcome unknown to the client) and later committed: allowed, counted. */
  readonly unknownThenCommitted: number;
}

export async function auditWrites(
  contract: Contract,
  attempts: readonly WriteAttempt[],
): Promise<WriteAudit> {
  const missing: string[] = [];
  const refusedButCommitted: string[] = [];
  let onLedger = 0;
  let unknownThenCommitted = 0;
  for (const attempt of attempts) {
    const stored = Buffer.from(await contract.evaluateTransaction('get', attempt.key)).toString('utf8');
    const present = stored === attempt.value;
    if (attempt.acknowledged) {
      if (present) onLedger++;
      else missing.push(attempt.key);
    } else if (present) {
      if (attempt.errorClass === 'EndorseError' || attempt.errorClass === 'SubmitError')
        refusedButCommitted.push(attempt.key);
      else unknownThenCommitted++;
    }
  }
  const acknowledged = attempts.filter((attempt) => attempt.acknowledged).length;
  return { acknowledged, onLedger, missing, refusedButCommitted, unknownThenCommitted };
}

/**
 * Tries a write every second until one is acknowledged or `timeoutMs` passes; the attempts are returned (the last
 * acknowledged, if any) and the seconds from the call to that acknowledgement.
 */
export async function writeUntilAcknowledged(
  contract: Contract,
  keyPrefix: string,
  timeoutMs: number,
): Promise<{ attempts: WriteAttempt[]; seconds: number | undefined }> {
  const started = Date.now();
  const attempts: WriteAttempt[] = [];
  while (Date.now() - started < timeoutMs) {
    const attempt = await attemptPut(contract, `${keyPrefix}-${attempts.length}`, pageSizedValue());
    attempts.push(attempt);
    if (attempt.acknowledged) return { attempts, seconds: (Date.now() - started) / 1000 };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { attempts, seconds: undefined };
}
