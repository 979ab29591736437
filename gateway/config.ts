/**
 * The gateway's configuration: flags > FHIRLEDGER_GATEWAY_* environment > defaults, validated once at start into a
 * frozen object, printable with secrets masked — common/config-table.ts's pattern; this file is the gateway's table
 * and the checks that span settings.
 */
import type { FlagSpec } from '../common/cli-args.js';
import {
  ConfigError,
  httpUrl,
  loadSettings,
  LOG_LEVELS,
  maskSettings,
  nonEmpty,
  oneOf,
  settingFlags,
  wholeNumber,
  type Setting,
  type Environment,
  type FlagValues,
  type SettingsTable,
} from '../common/config-table.js';

export { ConfigError } from '../common/config-table.js';

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

const SETTINGS: readonly Setting<GatewayConfig>[] = [
  {
    key: 'port',
    flag: 'port',
    default: '8080',
    parse: wholeNumber(0, 65535),
    valueName: 'N',
    description: 'TCP port',
  },
  {
    key: 'host',
    flag: 'host',
    default: '127.0.0.1',
    parse: nonEmpty,
    valueName: 'HOST',
    description: 'address to listen on',
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    default: undefined,
    parse: httpUrl,
    valueName: 'URL',
    description: 'base URL clients use; token issuer and Bundle links (default http://HOST:PORT)',
  },
  {
    key: 'connectionProfile',
    flag: 'connection-profile',
    default: undefined,
    parse: nonEmpty,
    valueName: 'FILE',
    description: 'Fabric connection profile (required to start)',
  },
  {
    key: 'credentialsStore',
    flag: 'credentials-store',
    default: '.fhirledger/credentials.json',
    parse: nonEmpty,
    valueName: 'FILE',
    description: 'users/clients store written by `fhirledger users`',
  },
  {
    key: 'maxInFlight',
    flag: 'max-in-flight',
    default: '256',
    parse: wholeNumber(1, 100_000),
    valueName: 'N',
    description: 'ledger calls running at once',
  },
  {
    key: 'maxQueued',
    flag: 'max-queued',
    default: '2048',
    parse: wholeNumber(0, 1_000_000),
    valueName: 'N',
    description: 'ledger calls waiting for a slot before 503',
  },
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout-ms',
    default: '30000',
    parse: wholeNumber(100, 600_000),
    valueName: 'MS',
    description: 'per-request deadline for ledger work (then 504)',
  },
  {
    key: 'headersTimeoutMs',
    flag: 'headers-timeout-ms',
    default: '10000',
    parse: wholeNumber(100, 600_000),
    valueName: 'MS',
    description: 'time a client gets to send all request headers, then 408 and close (slowloris)',
  },
  {
    key: 'receiveTimeoutMs',
    flag: 'receive-timeout-ms',
    default: '30000',
    parse: wholeNumber(100, 600_000),
    valueName: 'MS',
    description: 'time a client gets to send the whole request, body included, then 408 and close',
  },
  {
    key: 'bodyLimitBytes',
    flag: 'body-limit-bytes',
    default: String(1024 * 1024),
    parse: wholeNumber(1024, 256 * 1024 * 1024),
    valueName: 'BYTES',
    description: 'largest request body (then 413)',
  },
  {
    key: 'tokenTtlSeconds',
    flag: 'token-ttl-seconds',
    default: '900',
    parse: wholeNumber(30, 86_400),
    valueName: 'S',
    description: 'lifetime of issued access tokens',
  },
  {
    key: 'audience',
    flag: 'audience',
    default: 'fhirledger-gateway',
    parse: nonEmpty,
    valueName: 'AUD',
    description: 'audience of issued and accepted tokens',
  },
  {
    key: 'signingKeyPem',
    flag: 'signing-key-pem',
    default: undefined,
    parse: nonEmpty,
    secret: true,
    valueName: 'PEM',
    description: 'ES256 PKCS#8 private key (default: a fresh key per start)',
  },
  {
    key: 'externalIssuer',
    flag: 'external-issuer',
    default: undefined,
    parse: nonEmpty,
    valueName: 'ISS',
    description: 'issuer of an external identity provider whose tokens are accepted',
  },
  {
    key: 'externalJwksUrl',
    flag: 'external-jwks-url',
    default: undefined,
    parse: httpUrl,
    valueName: 'URL',
    description: "the external provider's JWKS URL (with --external-issuer)",
  },
  {
    key: 'externalAudience',
    flag: 'external-audience',
    default: undefined,
    parse: nonEmpty,
    valueName: 'AUD',
    description: 'audience expected in external tokens (default: --audience)',
  },
  {
    key: 'mvccRetryAttempts',
    flag: 'mvcc-retry-attempts',
    default: '3',
    parse: wholeNumber(1, 10),
    valueName: 'N',
    description: 'tries of a write that hits MVCC_READ_CONFLICT (then 409)',
  },
  {
    key: 'shutdownGraceMs',
    flag: 'shutdown-grace-ms',
    default: '10000',
    parse: wholeNumber(0, 600_000),
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

export const GATEWAY_SETTINGS: SettingsTable<GatewayConfig> = {
  envPrefix: 'FHIRLEDGER_GATEWAY_',
  settings: SETTINGS,
};

export function configFlags(): Record<string, FlagSpec> {
  return settingFlags(GATEWAY_SETTINGS);
}

export function loadConfig(flagValues: FlagValues, env: Environment): Readonly<GatewayConfig> {
  // The public URL has no default of its own: it follows the host and port unless given.
  const loaded: Omit<GatewayConfig, 'publicUrl'> & { publicUrl?: string } = loadSettings(
    GATEWAY_SETTINGS,
    flagValues,
    env,
  );
  const host = loaded.host.includes(':') ? `[${loaded.host}]` : loaded.host;
  const config: GatewayConfig = {
    ...loaded,
    publicUrl: loaded.publicUrl ?? `http://${host}:${String(loaded.port)}`,
  };
  if ((config.externalIssuer === undefined) !== (config.externalJwksUrl === undefined)) {
    throw new ConfigError('--external-issuer and --external-jwks-url must be given together');
  }
  // Node refuses a headers timeout longer than the whole-request timeout; say so in our words at start.
  if (config.headersTimeoutMs > config.receiveTimeoutMs) {
    throw new ConfigError(
      `--headers-timeout-ms ${String(config.headersTimeoutMs)} is longer than --receive-timeout-ms ${String(config.receiveTimeoutMs)}; expected at most that`,
    );
  }
  return Object.freeze(config);
}

/**
 * The per-request deadline of a gateway started with `env` and no --request-timeout-ms (as `fhirledger up` starts
 * it): read by the gateway's own setting, so a bad FHIRLEDGER_GATEWAY_REQUEST_TIMEOUT_MS is the same ConfigError
 * naming the variable, not a NaN. Only this setting: other variables are the gateway's to judge when it starts.
 */
export function requestTimeoutFromEnv(env: Environment): number {
  const table: SettingsTable<GatewayConfig> = {
    envPrefix: GATEWAY_SETTINGS.envPrefix,
    settings: SETTINGS.filter((setting) => setting.key === 'requestTimeoutMs'),
  };
  return loadSettings(table, {}, env).requestTimeoutMs;
}

/** The config as it may be logged: secrets replaced, credentials in URLs removed. */
export function maskedConfig(config: Readonly<GatewayConfig>): Record<string, unknown> {
  return maskSettings(GATEWAY_SETTINGS, config);
}
