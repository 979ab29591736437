/**
 * The one config loader pattern of the Node-side commands: a table of settings, each with its long flag, its
 * FHIRLEDGER_* environment variable, a default and a parser. One table drives parsing (flags > environment >
 * defaults), --help, the masked copy printed at start, and the README's config table, so they cannot drift apart.
 * A bad value is a ConfigError (exit 2) whose message names the flag or variable it came from and what was expected.
 * (k6 scenarios run in k6's own JS runtime and keep their `__ENV` reader in loadtests/lib/config.ts.)
 */
import type { FlagSpec } from './cli-args.js';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  override name = 'ConfigError';
}

/** The flags as parseCommandArgs read them, and the environment (process.env, or a test's own). */
export type FlagValues = Readonly<Record<string, unknown>>;
export type Environment = Readonly<Record<string, string | undefined>>;

/** Turns the text of a flag, variable or default into a value; `where` names the source for the error message. */
export type Parser = (text: string, where: string) => unknown;

export interface Setting<C> {
  key: keyof C & string;
  /** Long flag without the dashes; the variable is `${prefix}${FLAG_IN_CAPITALS}`. */
  flag: string;
  default: string | undefined;
  parse: Parser;
  /** Never printed: masked in the start-up copy and its default kept out of --help. */
  secret?: boolean;
  /** A variable shared by several commands (e.g. FHIRLEDGER_CONNECTION), used instead of the prefixed name. */
  env?: string;
  valueName: string;
  description: string;
}

/** The settings of one command and the prefix of their environment variables, e.g. `FHIRLEDGER_GATEWAY_`. */
export interface SettingsTable<C> {
  envPrefix: string;
  settings: readonly Setting<C>[];
}

export function envName<C>(table: SettingsTable<C>, setting: Setting<C>): string {
  return setting.env ?? `${table.envPrefix}${setting.flag.toUpperCase().replace(/-/g, '_')}`;
}

export function wholeNumber(min: number, max: number): Parser {
  return (text, where) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${where} "${text}" is not a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

export function decimal(min: number, max: number): Parser {
  return (text, where) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new ConfigError(`${where} "${text}" is not a number from ${min} to ${max}`);
    }
    return value;
  };
}

/** A comma-separated list, each entry read by `item`; an empty entry (`50,`) is refused as such. */
export function listOf(item: Parser): Parser {
  return (text, where) => {
    const entries = text.split(',').map((entry) => entry.trim());
    if (entries.some((entry) => entry === '')) throw new ConfigError(`${where} "${text}" has an empty entry`);
    return entries.map((entry) => item(entry, `${where} entry`));
  };
}

/** A comma-separated list of whole numbers, e.g. `50,100,200`. */
export function wholeNumberList(min: number, max: number): Parser {
  return listOf(wholeNumber(min, max));
}

export const nonEmpty: Parser = (value, where) => {
  if (value.trim() === '') throw new ConfigError(`${where} is empty; expected a value`);
  return value;
};

export const httpUrl: Parser = (value, where) => {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)');
  } catch (error) {
    throw new ConfigError(`${where} "${value}" is not an http(s) URL`, { cause: error });
  }
  return value.replace(/\/+$/, '');
};

export function oneOf(values: readonly string[]): Parser {
  return (value, where) => {
    if (!values.includes(value))
      throw new ConfigError(`${where} "${value}" is not one of ${values.join(', ')}`);
    return value;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Flag specs for parseCommandArgs; no defaults there, so an unset flag falls through to the environment. */
export function settingFlags<C>(table: SettingsTable<C>): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {};
  for (const setting of table.settings) {
    const shown =
      setting.secret === true || setting.default === undefined ? '' : ` (default ${setting.default})`;
    flags[setting.flag] = {
      type: 'string',
      valueName: setting.valueName,
      description: `${setting.description}${shown}; env ${envName(table, setting)}`,
    };
  }
  return flags;
}

/**
 * Each setting from its flag, else its non-empty environment variable, else its default (an unset default stays
 * undefined). The caller checks what spans settings and freezes the result.
 */
export function loadSettings<C>(table: SettingsTable<C>, flagValues: FlagValues, env: Environment): C {
  const config: Record<string, unknown> = {};
  for (const setting of table.settings) {
    const fromFlag = flagValues[setting.flag];
    const variable = envName(table, setting);
    const fromEnv = env[variable];
    if (typeof fromFlag === 'string') config[setting.key] = setting.parse(fromFlag, `--${setting.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') config[setting.key] = setting.parse(fromEnv, variable);
    else
      config[setting.key] =
        setting.default === undefined ? undefined : setting.parse(setting.default, 'default');
  }
  return config as C;
}

/** The config as it may be logged: secrets replaced, credentials in URLs removed. */
export function maskSettings<C>(table: SettingsTable<C>, config: Readonly<C>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const setting of table.settings) {
    const value: unknown = config[setting.key];
    if (setting.secret === true) shown[setting.key] = value === undefined ? undefined : '***';
    else if (typeof value === 'string' && /^https?:\/\/[^/]*@/.test(value)) {
      shown[setting.key] = value.replace(/\/\/[^/]*@/, '//***@');
    } else shown[setting.key] = value;
  }
  return shown;
}
