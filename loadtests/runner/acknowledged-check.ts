/**
 * "Nothing lost": after the run, every record the gateway acknowledged with a 2xx create must be readable
 * through the gateway. Reads run with bounded concurrency and a deadline per request.
 */
import pLimit from 'p-limit';
import { LoadError } from './load-error.js';
import type { AcknowledgedCheck } from './report.js';

export interface VerifyOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** `Type/id` keys. */
  keys: readonly string[];
  concurrency: number;
  timeoutMs: number;
}

async function providerToken(options: VerifyOptions): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        username: options.username,
        password: options.password,
      }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new LoadError(
      'LOAD_VERIFY_LOGIN_FAILED',
      `cannot reach ${options.baseUrl}/auth/token: ${String(error)}`,
      { cause: error },
    );
  }
  const body = (await response.json().catch((error: unknown) => ({ error }))) as { access_token?: unknown };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new LoadError(
      'LOAD_VERIFY_LOGIN_FAILED',
      `login as ${options.username} for the acknowledged-create check failed: HTTP ${response.status}`,
    );
  }
  return body.access_token;
}

async function isReadable(options: VerifyOptions, token: string, key: string): Promise<boolean> {
  try {
    const response = await fetch(`${options.baseUrl}/fhir/${key}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch (error) {
    // A read that times out or is refused is not proof the record is there; it counts as missing.
    if (error instanceof Error) return false;
    throw error;
  }
}

export async function verifyAcknowledgedCreates(options: VerifyOptions): Promise<AcknowledgedCheck> {
  if (options.keys.length === 0) return { checked: 0, onLedger: 0, missing: [] };
  const token = await providerToken(options);
  const limit = pLimit(options.concurrency);
  const readable = await Promise.all(options.keys.map((key) => limit(() => isReadable(options, token, key))));
  const missing = options.keys.filter((_key, index) => readable[index] !== true);
  return { checked: options.keys.length, onLedger: options.keys.length - missing.length, missing };
}
