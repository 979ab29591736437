/**
 * Back-pressure for expensive work — ledger calls, and password checks (scrypt: ~50 ms of CPU and 32 MB each): at
 * most `maxInFlight` run at once, at most `maxQueued` wait, and anything beyond is refused at once (503 +
 * Retry-After) instead of piling up until the process falls over. A waiter whose request deadline passes leaves
 * the queue (504), so a burst of clients that gave up leaves no backlog behind. A slot is held until the work
 * really settles — even after the request's deadline has answered the client — so the in-flight bound is a true
 * bound on work sent to Fabric.
 */
import { DeadlineExceededError, GatewayErrorCode, OverloadedError } from './failure.js';

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

export interface AdmissionLimits {
  maxInFlight: number;
  maxQueued: number;
  /** Retry-After sent when the queue is full. */
  retryAfterSeconds: number;
  /** What the slots are for, plural, in error messages: 'ledger calls' (the default), 'password checks'. */
  work?: string;
}

export class LedgerAdmission {
  private inFlightCount = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  private get work(): string {
    return this.limits.work ?? 'ledger calls';
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Runs `work` when a slot is free; rejects with DeadlineExceededError if `deadlineAt` (epoch ms) passes first. */
  async run<T>(work: () => Promise<T>, deadlineAt: number): Promise<T> {
    await this.acquire(deadlineAt);
    const settled = work().finally(() => {
      this.release();
    });
    return raceDeadline(settled, deadlineAt);
  }

  private acquire(deadlineAt: number): Promise<void> {
    if (this.inFlightCount < this.limits.maxInFlight) {
      this.inFlightCount += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.limits.maxQueued) {
      return Promise.reject(
        new OverloadedError(
          GatewayErrorCode.OVERLOADED,
          `the gateway is at its limit of ${this.limits.maxInFlight} ${this.work} in flight and ${this.limits.maxQueued} waiting; retry later`,
          { retryAfterSeconds: this.limits.retryAfterSeconds },
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(
          () => {
            const at = this.waiters.indexOf(waiter);
            if (at >= 0) this.waiters.splice(at, 1);
            reject(deadlineError(`while waiting for a free slot for ${this.work}`));
          },
          Math.max(0, deadlineAt - Date.now()),
        ),
      };
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the next waiter, so the count stays the same.
    if (next) next.grant();
    else this.inFlightCount -= 1;
  }
}

function deadlineError(where: string): DeadlineExceededError {
  return new DeadlineExceededError(
    GatewayErrorCode.DEADLINE_EXCEEDED,
    `the request deadline passed ${where}; a write may still commit, read the record before retrying`,
    { retryAfterSeconds: 1 },
  );
}

export function raceDeadline<T>(work: Promise<T>, deadlineAt: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        reject(deadlineError('before the ledger answered'));
      },
      Math.max(0, deadlineAt - Date.now()),
    );
  });
  // A late rejection of `work` after the deadline must not become an unhandled rejection.
  work.catch((error: unknown) => error);
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
