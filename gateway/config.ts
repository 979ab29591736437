/**
 * The gateway's configuration: flags > FHIRLEDGER_GATEWAY_* environment > defaults, validated once at start into a
 * frozen object, printable with secrets masked. One table drives parsing, --help and the README's config table.
 */
import type { FlagSpec } from '../common/cli-args.js';

export interface GatewayConfig {
  port: number;
  host: string;
  publicUrl: string;
  connectionProfile: string | undefined;
  credentialsStore: string;
  maxInFlight: number;
  maxQueued: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  receiveTimeoutMs: number;
  bodyLimitBytes: number;
  tokenTtlSeconds: number;
  audience: string;
  signingKeyPem: string | undefined;
  externalIssuer: string | undefined;
  externalJwksUrl: string | undefined;
  externalAudience: string | undefined;
  mvccRetryAttempts: number;
  shutdownGraceMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  override name = 'ConfigError';
}

type Parser = (text: string, where: string) => unknown;

interface Setting {
  key: keyof GatewayConfig;
  flag: string;
  default: string | undefined;
  parse: Parser;
  secret?: boolean;
  valueName: string;
  description: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(min: number, max: number): Parser {
  return (text, where) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${where} "${text}" is not a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

const text: Parser = (value, where) => {
  if (value.trim() === '') throw new ConfigError(`${where} is empty; expected a value`);
  return value;
};

const url: Parser = (value, where) => {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)');
  } catch (error) {
    throw new ConfigError(`${where} "${value}" is not an http(s) URL`, { cause: error });
  }
  return value.replace(/\/+$/, '');
};

const oneOf =
  (values: string[]): Parser =>
  (value, where) => {
    if (!values.includes(value))
      throw new ConfigError(`${where} "${value}" is not one of ${values.join(', ')}`);
    return value;
  };

export const SETTINGS: readonly Setting[] = [
  {
    key: 'port',
    flag: 'port',
    default: '8080',
    parse: integer(0, 65535),
    valueName: 'N',
    description: 'TCP port',
  },
  {
    key: 'host',
    flag: 'host',
    default: '127.0.0.1',
    parse: text,
    valueName: 'HOST',
    description: 'address to listen on',
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    default: undefined,
    parse: url,
    valueName: 'URL',
    description: 'base URL clients use; token issuer and Bundle links (default http://HOST:PORT)',
  },
  {
    key: 'connectionProfile',
    flag: 'connection-profile',
    default: undefined,
    parse: text,
    valueName: 'FILE',
    description: 'Fabric connection profile (required to start)',
  },
  {
    key: 'credentialsStore',
    flag: 'credentials-store',
    default: '.fhirledger/credentials.json',
    parse: text,
    valueName: 'FILE',
    description: 'users/clients store written by `fhirledger users`',
  },
  {
    key: 'maxInFlight',
    flag: 'max-in-flight',
    default: '256',
    parse: integer(1, 100_000),
    valueName: 'N',
    description: 'ledger calls running at once',
  },
  {
    key: 'maxQueued',
    flag: 'max-queued',
    default: '2048',
    parse: integer(0, 1_000_000),
    valueName: 'N',
    description: 'ledger calls waiting for a slot before 503',
  },
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout-ms',
    default: '30000',
    parse: integer(100, 600_000),
    valueName: 'MS',
    description: 'per-request deadline for ledger work (then 504)',
  },
  {
    key: 'headersTimeoutMs',
    flag: 'headers-timeout-ms',
    default: '10000',
    parse: integer(100, 600_000),
    valueName: 'MS',
    description: 'time a client gets to send all request headers, then 408 and close (slowloris)',
  },
  {
    key: 'receiveTimeoutMs',
    flag: 'receive-timeout-ms',
    default: '30000',
    parse: integer(100, 600_000),
    valueName: 'MS',
    description: 'time a client gets to send the whole request, body included, then 408 and close',
  },
  {
    key: 'bodyLimitBytes',
    flag: 'body-limit-bytes',
    default: String(1024 * 1024),
    parse: integer(1024, 256 * 1024 * 1024),
    valueName: 'BYTES',
    description: 'largest request body (then 413)',
  },
  {
    key: 'tokenTtlSeconds',
    flag: 'token-ttl-seconds',
    default: '900',
    parse: integer(30, 86_400),
    valueName: 'S',
    description: 'lifetime of issued access tokens',
  },
  {
    key: 'audience',
    flag: 'audience',
    default: 'fhirledger-gateway',
    parse: text,
    valueName: 'AUD',
    description: 'audience of issued and accepted tokens',
  },
  {
    key: 'signingKeyPem',
    flag: 'signing-key-pem',
    default: undefined,
    parse: text,
    secret: true,
    valueName: 'PEM',
    description: 'ES256 PKCS#8 private key (default: a fresh key per start)',
  },
  {
    key: 'externalIssuer',
    flag: 'external-issuer',
    default: undefined,
    parse: text,
    valueName: 'ISS',
    description: 'issuer of an external identity provider whose tokens are accepted',
  },
  {
    key: 'externalJwksUrl',
    flag: 'external-jwks-url',
    default: undefined,
    parse: url,
    valueName: 'URL',
    description: "the external provider's JWKS URL (with --external-issuer)",
  },
  {
    key: 'externalAudience',
    flag: 'external-audience',
    default: undefined,
    parse: text,
    valueName: 'AUD',
    description: 'audience expected in external tokens (default: --audience)',
  },
  {
    key: 'mvccRetryAttempts',
    flag: 'mvcc-retry-attempts',
    default: '3',
    parse: integer(1, 10),
    valueName: 'N',
    description: 'tries of a write that hits MVCC_READ_CONFLICT (then 409)',
  },
  {
    key: 'shutdownGraceMs',
    flag: 'shutdown-grace-ms',
    default: '10000',
    parse: integer(0, 600_000),
    valueName: 'MS',
    description: 'time in-flight requests get to finish on SIGTERM/SIGINT',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
    valueName: 'LEVEL',
    description: LOG_LEVELS.join('|'),
  },
];

export function envName(setting: Setting): string {
  return `FHIRLEDGER_GATEWAY_${setting.flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Flag specs for parseCommandArgs; no defaults there, so an unset flag falls through to the environment. */
export function configFlags(): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {};
  for (const setting of SETTINGS) {
    const shown =
      setting.secret === true ? '' : setting.default === undefined ? '' : ` (default ${setting.default})`;
    flags[setting.flag] = {
      type: 'string',
      valueName: setting.valueName,
      description: `${setting.description}${shown}; env ${envName(setting)}`,
    };
  }
  return flags;
}

export function loadConfig(
  flagValues: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<GatewayConfig> {
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const fromFlag = flagValues[setting.flag];
    const fromEnv = env[envName(setting)];
    if (typeof fromFlag === 'string') config[setting.key] = setting.parse(fromFlag, `--${setting.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '')
      config[setting.key] = setting.parse(fromEnv, envName(setting));
    else
      config[setting.key] =
        setting.default === undefined ? undefined : setting.parse(setting.default, 'default');
  }
  if (config.publicUrl === undefined) {
    const host = String(config.host);
    config.publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${String(config.port)}`;
  }
  const typed = config as unknown as GatewayConfig;
  if ((typed.externalIssuer === undefined) !== (typed.externalJwksUrl === undefined)) {
    throw new ConfigError('--external-issuer and --external-jwks-url must be given together');
  }
  // Node refuses a headers timeout longer than the whole-request timeout; say so in our words at start.
  if (typed.headersTimeoutMs > typed.receiveTimeoutMs) {
    throw new ConfigError(
      `--headers-timeout-ms ${String(typed.headersTimeoutMs)} is longer than --receive-timeout-ms ${String(typed.receiveTimeoutMs)}; expected at most that`,
    );
  }
  return Object.freeze(typed);
}

/** The config as it may be logged: secrets replaced, credentials in URLs removed. */
export function maskedConfig(config: Readonly<GatewayConfig>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const value = config[setting.key];
    if (setting.secret === true) shown[setting.key] = value === undefined ? undefined : '***';
    else if (typeof value === 'string' && /^https?:\/\/[^/]*@/.test(value)) {
      shown[setting.key] = value.replace(/\/\/[^/]*@/, '//***@');
    } else shown[setting.key] = value;
  }
  return shown;
}
