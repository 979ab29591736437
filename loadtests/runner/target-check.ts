/**
 * Before any k6 work, `fhirledger load` asks the gateway's `/healthz` whether it is there: a target that is down is
 * a state the user can fix (start it, or give --base-url), so it is exit 2 with the reason, as `migrate` and
 * `gateway` answer a ledger they cannot reach, and not a k6 run that aborts in setup() and leaves a results folder.
 * k6's own setup() check stays for scripts run by hand.
 */
import { LoadError } from './load-error.js';

export const HEALTH_TIMEOUT_MS = 5000;

export async function requireReachableGateway(baseUrl: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<void> {
  const url = `${baseUrl}/healthz`;
  let status: number;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    // fetch hides the socket error (ECONNREFUSED, ENOTFOUND) in `cause`; a timeout is a DOMException of its own.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new LoadError(
      'LOAD_TARGET_UNREACHABLE',
      `gateway at ${baseUrl} is not reachable (${why}); start it (fhirledger up) or give --base-url`,
      { cause: error },
    );
  }
  if (status !== 200) {
    throw new LoadError(
      'LOAD_TARGET_UNREACHABLE',
      `gateway at ${url} is not healthy (HTTP ${status}); start it (fhirledger up) or give --base-url`,
    );
  }
}
