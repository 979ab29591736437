/**
 * What both the paper profile's crash tests and `fhirledger bench paper-crash` drive a faulted devnet with: a bounded
 * steady load that records when every acknowledged transaction committed, each peer's state fingerprint from its
 * admin endpoint, and a wait until every peer and orderer shares one ledger height. Kept out of the tests so the
 * benchmark measures with exactly the code the tests assert with.
 */
import type { Contract } from '@hyperledger/fabric-gateway';

/** Anything that moves the profile's default ports by its offset (TestDevnet, BenchDevnet). */
export interface PortMap {
  port(defaultPort: number): number;
}

/** A peer's ledger height and state fingerprint from its admin endpoint. */
export async function peerState(
  devnet: PortMap,
  defaultOperationsPort: number,
): Promise<{ height: number; fingerprint: string }> {
  const response = await fetch(`http://127.0.0.1:${devnet.port(defaultOperationsPort)}/devnet/state`, {
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { height: number; fingerprint: string };
}

/**
 * Polls `heights` (every peer's and orderer's ledger height, null when unknown) every 500 ms until all are one
 * number; returns the ms it took, or throws after `timeoutMs`.
 */
export async function waitForOneHeight(
  heights: () => readonly (number | null)[],
  timeoutMs = 60_000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const all = heights();
    if (all.length > 0 && all.every((height) => height !== null && height === all[0]))
      return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until all peers and orderers have one height`);
}

export interface LoadResult {
  /** Keys whose transaction the client saw committed VALID. */
  readonly acknowledged: readonly string[];
  /** Submissions that failed, with the client's message. */
  readonly failures: readonly string[];
  /** Longest time between two consecutive acknowledged commits, ms. */
  readonly longestGapMs: number;
  /** When the first commit after `markAt` (ms into the run) was acknowledged, ms after `markAt`; -1 if none. */
  readonly firstCommitAfterMarkMs: number;
}

/**
 * `concurrency` clients each submitting `put(prefix-N, N)` one after another until `durationMs` has passed or
 * `maxTransactions` were started; `during` runs once at `markAt` ms (the fault). Bounded in time and count.
 */
export async function steadyLoad(
  contract: Contract,
  options: {
    prefix: string;
    durationMs: number;
    maxTransactions: number;
    concurrency: number;
    markAt: number;
    during: () => Promise<void>;
  },
): Promise<LoadResult> {
  const started = Date.now();
  const acknowledged: string[] = [];
  const failures: string[] = [];
  const commitTimes: number[] = [];
  let next = 0;
  const worker = async () => {
    while (Date.now() - started < options.durationMs && next < options.maxTransactions) {
      const key = `${options.prefix}-${next++}`;
      try {
        const submitted = await contract.submitAsync('put', { arguments: [key, key] });
        const status = await submitted.getStatus();
        if (status.successful) {
          acknowledged.push(key);
          commitTimes.push(Date.now() - started);
        } else failures.push(`${key}: commit status ${status.code}`);
      } catch (error) {
        failures.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const fault = (async () => {
    await new Promise((resolve) => setTimeout(resolve, options.markAt));
    await options.during();
  })();
  await Promise.all([...Array.from({ length: options.concurrency }, worker), fault]);
  const sorted = [...commitTimes].sort((a, b) => a - b);
  let longestGapMs = 0;
  for (let i = 1; i < sorted.length; i++)
    longestGapMs = Math.max(longestGapMs, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  const after = sorted.find((time) => time > options.markAt);
  return {
    acknowledged,
    failures,
    longestGapMs,
    firstCommitAfterMarkMs: after === undefined ? -1 : after - options.markAt,
  };
}
