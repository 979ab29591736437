/**
 * Everything a scenario reads from `__ENV` goes through here: read once in the init context, validated (a bad value
 * stops the run before any VU starts, naming the variable and what was expected), into a frozen object or a checked
 * number. The Node runner sets these from its flags; when k6 is run by hand they come from `-e NAME=value`.
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
  /**
   * Every VU logs in for itself (true), or setup() logs each user in once and VUs acting as the same user share
   * that token (false, the default: a password check costs the gateway ~50 ms of CPU, and 2000 VUs over a few
   * dozen users are a few dozen people, not 2000 logins).
   */
  readonly loginPerVu: boolean;
}

function envBool(name: string, fallback: boolean): boolean {
  const text = envText(name, String(fallback));
  if (text !== 'true' && text !== 'false') throw new Error(`env ${name}="${text}" is not true or false`);
  return text === 'true';
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

/** A whole number >= min (`SMOKE_VUS=abc` must not become NaN users). */
export function envInt(name: string, fallback: number, min: number): number {
  const text = envText(name, String(fallback));
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`env ${name}="${text}" is not a whole number >= ${min}`);
  }
  return value;
}

/** A comma-separated list of whole numbers >= min, e.g. CALIPER_RATES=50,150,250. */
export function envIntList(name: string, fallback: string, min: number): number[] {
  return envText(name, fallback)
    .split(',')
    .map((text) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isInteger(value) || value < min) {
        throw new Error(`env ${name} entry "${text}" is not a whole number >= ${min}`);
      }
      return value;
    });
}

const K6_DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** A k6 duration such as `30s`, `1m30s` or `500ms`. */
export function envDuration(name: string, fallback: string): string {
  const text = envText(name, fallback);
  if (!K6_DURATION.test(text))
    throw new Error(`env ${name}="${text}" is not a k6 duration (e.g. 30s, 1m30s, 500ms)`);
  return text;
}

export function loadConfig(): LoadConfig {
  const payloadFile = envText('PAYLOAD_FILE', '');
  return Object.freeze({
    baseUrl: envText('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    usernamePattern: envText('LOAD_USERNAME', 'provider{n}'),
    password: envText('LOAD_PASSWORD', ''),
    userCount: envInt('LOAD_USER_COUNT', 1, 1),
    thinkTimeSeconds: envNumber('THINK_TIME', 1, 0),
    payloadFile: payloadFile === '' ? undefined : payloadFile,
    smokeDuration: envDuration('SMOKE_DURATION', '30s'),
    vusMax: envInt('VUS_MAX', 2000, 1),
    requestTimeout: envDuration('REQUEST_TIMEOUT', '60s'),
    loginPerVu: envBool('LOGIN_PER_VU', false),
  });
}

/** The login name of the user a VU acts as. */
export function usernameFor(config: LoadConfig, vu: number): string {
  const n = ((Math.max(vu, 1) - 1) % config.userCount) + 1;
  return config.usernamePattern.replace('{n}', String(n));
}
