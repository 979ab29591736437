/**
 * Everything a scenario reads from `__ENV`, read once in the init context into a frozen object. The Node runner
 * sets these from its flags; when k6 is run by hand they come from `-e NAME=value` or the shell.
 */

export interface LoadConfig {
  /** Gateway root, e.g. http://127.0.0.1:8080 (no trailing slash). */
  readonly baseUrl: string;
  /** Login name; `{n}` is replaced by a per-VU user number in 1..userCount so VUs spread over seeded users. */
  readonly usernamePattern: string;
  readonly password: string;
  readonly userCount: number;
  /** Pause between the steps of a VU's loop, in seconds (paper 000's Gatling think time). */
  readonly thinkTimeSeconds: number;
  /** NDJSON of Patient resources to post instead of the built-in builder. */
  readonly payloadFile: string | undefined;
  /** Length of the smoke (and soak) steady phase, a k6 duration such as `30s`. */
  readonly smokeDuration: string;
  /** Peak VUs of ramp/stress/spike (paper 000: 2000). */
  readonly vusMax: number;
  /** Per-request deadline, a k6 duration. */
  readonly requestTimeout: string;
}

function envText(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

function envNumber(name: string, fallback: number, min: number): number {
  const text = envText(name, String(fallback));
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`env ${name}="${text}" is not a number >= ${min}`);
  }
  return value;
}

export function loadConfig(): LoadConfig {
  const payloadFile = envText('PAYLOAD_FILE', '');
  return Object.freeze({
    baseUrl: envText('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    usernamePattern: envText('LOAD_USERNAME', 'provider{n}'),
    password: envText('LOAD_PASSWORD', ''),
    userCount: Math.floor(envNumber('LOAD_USER_COUNT', 1, 1)),
    thinkTimeSeconds: envNumber('THINK_TIME', 1, 0),
    payloadFile: payloadFile === '' ? undefined : payloadFile,
    smokeDuration: envText('SMOKE_DURATION', '30s'),
    vusMax: Math.floor(envNumber('VUS_MAX', 2000, 1)),
    requestTimeout: envText('REQUEST_TIMEOUT', '60s'),
  });
}

/** The login name of the user a VU acts as. */
export function usernameFor(config: LoadConfig, vu: number): string {
  const n = ((Math.max(vu, 1) - 1) % config.userCount) + 1;
  return config.usernamePattern.replace('{n}', String(n));
}
