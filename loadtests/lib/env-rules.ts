/**
 * The one table of every `__ENV` variable a scenario reads with a rule, and the check behind it. Shared by both
 * sides: the k6 scripts (config.ts) refuse a bad value in their init context, and the Node runner checks the same
 * variables before it starts k6, so `SMOKE_VUS=abc fhirledger load smoke` is a usage error (exit 2), not a k6
 * failure. It imports nothing, so k6 (which strips the types) and tsc for Node can both load it.
 */

export type EnvRule =
  | { readonly kind: 'int'; readonly min: number }
  | { readonly kind: 'intList'; readonly min: number }
  | { readonly kind: 'number'; readonly min: number }
  | { readonly kind: 'duration' }
  | { readonly kind: 'bool' };

export const ENV_RULES = {
  LOAD_USER_COUNT: { kind: 'int', min: 1 },
  THINK_TIME: { kind: 'number', min: 0 },
  SMOKE_DURATION: { kind: 'duration' },
  SOAK_DURATION: { kind: 'duration' },
  VUS_MAX: { kind: 'int', min: 1 },
  REQUEST_TIMEOUT: { kind: 'duration' },
  LOGIN_PER_VU: { kind: 'bool' },
  SMOKE_VUS: { kind: 'int', min: 1 },
  SOAK_VUS: { kind: 'int', min: 1 },
  ARRIVAL_RATE_MAX: { kind: 'int', min: 1 },
  CALIPER_TRANSACTIONS: { kind: 'int', min: 1 },
  CALIPER_RATES: { kind: 'intList', min: 1 },
  CALIPER_POOL: { kind: 'int', min: 1 },
} as const satisfies Record<string, EnvRule>;

export type CheckedEnvName = keyof typeof ENV_RULES;

/** The names whose rule is of `kind`, so envInt cannot be called on a duration (and so on). */
export type EnvNameOfKind<K extends EnvRule['kind']> = {
  [N in CheckedEnvName]: (typeof ENV_RULES)[N]['kind'] extends K ? N : never;
}[CheckedEnvName];

/** k6's duration syntax (`30s`, `1m30s`, `500ms`): the scripts' variables, `load --duration`, `demo --smoke-duration`. */
const K6_DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function isK6Duration(text: string): boolean {
  return K6_DURATION.test(text);
}

/** Milliseconds in a k6 duration (one `isK6Duration` accepts). */
export function k6DurationMs(text: string): number {
  let total = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
  }
  return total;
}

function isWhole(text: string, min: number): boolean {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= min;
}

/** Why `text` is not a valid value of `name`, naming the variable and the expected form; undefined when it is. */
export function envProblem(name: CheckedEnvName, text: string): string | undefined {
  const rule: EnvRule = ENV_RULES[name];
  switch (rule.kind) {
    case 'int':
      return isWhole(text, rule.min)
        ? undefined
        : `env ${name}="${text}" is not a whole number >= ${rule.min}`;
    case 'intList': {
      const bad = text.split(',').find((entry) => !isWhole(entry, rule.min));
      return bad === undefined
        ? undefined
        : `env ${name} entry "${bad}" is not a whole number >= ${rule.min} (expected a comma-separated list)`;
    }
    case 'number': {
      const value = Number(text);
      return text.trim() !== '' && Number.isFinite(value) && value >= rule.min
        ? undefined
        : `env ${name}="${text}" is not a number >= ${rule.min}`;
    }
    case 'duration':
      return isK6Duration(text)
        ? undefined
        : `env ${name}="${text}" is not a k6 duration (e.g. 30s, 1m30s, 500ms)`;
    case 'bool':
      return text === 'true' || text === 'false' ? undefined : `env ${name}="${text}" is not true or false`;
  }
}

/**
 * Every problem among the table's variables in `env` (an unset or empty variable is the script's default, which is
 * valid), for the runner to report before k6 starts.
 */
export function envProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(ENV_RULES) as CheckedEnvName[]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const problem = envProblem(name, text);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}
