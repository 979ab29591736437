/**
 * Everything a scenario reads from `__ENV` goes through here: read once in the init context, validated (a bad value
 * stops the run before any VU starts, naming the variable and what was expected), into a frozen object or a checked
 * number. The rules live in env-rules.ts, which the Node runner also checks before it starts k6. The runner sets these
 * from its flags and its environment; when k6 is run by hand they come from `-e NAME=value`.
 */
import { envProblem, type CheckedEnvName, type EnvNameOfKind } from './env-rules.ts';

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

function envBool(name: EnvNameOfKind<'bool'>, fallback: boolean): boolean {
  return envChecked(name, String(fallback)) === 'true';
}

function envText(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

/** The variable's text (or the fallback), refused by the shared rule (env-rules.ts) before any VU starts. */
function envChecked(name: CheckedEnvName, fallback: string): string {
  const text = envText(name, fallback);
  const problem = envProblem(name, text);
  if (problem !== undefined) throw new Error(problem);
  return text;
}

function envNumber(name: EnvNameOfKind<'number'>, fallback: number): number {
  return Number(envChecked(name, String(fallback)));
}

/** A whole number >= the rule's min (`SMOKE_VUS=abc` must not become NaN users). */
export function envInt(name: EnvNameOfKind<'int'>, fallback: number): number {
  return Number(envChecked(name, String(fallback)));
}

/** A comma-separated list of whole numbers >= the rule's min, e.g. CALIPER_RATES=50,150,250. */
export function envIntList(name: EnvNameOfKind<'intList'>, fallback: string): number[] {
  return envChecked(name, fallback).split(',').map(Number);
}

/** A k6 duration such as `30s`, `1m30s` or `500ms`. */
export function envDuration(name: EnvNameOfKind<'duration'>, fallback: string): string {
  return envChecked(name, fallback);
}

export function loadConfig(): LoadConfig {
  const payloadFile = envText('PAYLOAD_FILE', '');
  return Object.freeze({
    baseUrl: envText('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    usernamePattern: envText('LOAD_USERNAME', 'provider{n}'),
    password: envText('LOAD_PASSWORD', ''),
    userCount: envInt('LOAD_USER_COUNT', 1),
    thinkTimeSeconds: envNumber('THINK_TIME', 1),
    payloadFile: payloadFile === '' ? undefined : payloadFile,
    smokeDuration: envDuration('SMOKE_DURATION', '30s'),
    vusMax: envInt('VUS_MAX', 2000),
    requestTimeout: envDuration('REQUEST_TIMEOUT', '60s'),
    loginPerVu: envBool('LOGIN_PER_VU', false),
  });
}

/** The login name of the user a VU acts as. */
export function usernameFor(config: LoadConfig, vu: number): string {
  const n = ((Math.max(vu, 1) - 1) % config.userCount) + 1;
  return config.usernamePattern.replace('{n}', String(n));
}
