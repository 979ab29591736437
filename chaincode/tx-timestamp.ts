import type { LedgerTimestamp } from './context.js';

/**
 * ISO-8601 of a Fabric timestamp, to the millisecond. The transaction timestamp is set by the client in the
 * proposal and is the same on every endorser, which is why the contract never reads the wall clock.
 */
export function timestampToIso(timestamp: LedgerTimestamp): string {
  const millis = secondsOf(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000);
  return new Date(millis).toISOString();
}

function secondsOf(seconds: unknown): number {
  if (typeof seconds === 'number') return seconds;
  if (typeof seconds === 'bigint') return Number(seconds);
  if (typeof seconds === 'string') return Number(seconds);
  // fabric-shim gives the transaction timestamp's seconds as a Long.
  if (typeof seconds === 'object' && seconds !== null && 'toNumber' in seconds) {
    const toNumber = seconds.toNumber;
    if (typeof toNumber === 'function') return Number(toNumber.call(seconds));
  }
  throw new TypeError(`unsupported timestamp seconds ${typeof seconds}`);
}
