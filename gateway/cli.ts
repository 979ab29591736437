/**
 * `fhirledger gateway`: the composition root. Config (flags > env > defaults) → the real ledger through
 * ledger-client's `openLedgerSession` (refuses to start without one: exit 2) → credentials store → token service → buildApp → listen until SIGTERM/SIGINT.
 */
import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, importPKCS8, importSPKI } from 'jose';
import { pino } from 'pino';
import { ExitCode, readCommandConfig, type CommandSpec } from '../common/cli-args.js';
import type { CommandRunner } from '../cli/command.js';
import { LedgerUnavailableError, openLedgerSession } from '../ledger-client/index.js';
import { buildApp } from './app.js';
import { ConfigError, configFlags, loadConfig, maskedConfig, type GatewayConfig } from './config.js';
import { CredentialStoreError, loadCredentialStore } from './credential-store.js';
import { createGatewayLogger } from './logger.js';
import { listenGateway, shutdownSignal } from './server.js';
import { TokenService, type TokenServiceOptions } from './token-service.js';

export const GATEWAY_COMMAND: CommandSpec = {
  usage: 'fhirledger gateway [options]',
  summary:
    'Serve the FHIR R4 API over the Fabric ledger: OAuth2/JWT, one Fabric identity per user, writes answered after commit.',
  flags: configFlags(),
};

export const run: CommandRunner = async (argv) => {
  const read = readCommandConfig('fhirledger gateway', GATEWAY_COMMAND, argv, (args) =>
    loadConfig(args.values, process.env),
  );
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;
  const logger = createGatewayLogger(config.logLevel, pino.destination(2));
  logger.info({ config: maskedConfig(config) }, 'gateway configuration');
  try {
    const ledger = openLedgerSession(
      config.connectionProfile,
      'set --connection-profile or FHIRLEDGER_GATEWAY_CONNECTION_PROFILE',
    );
    const credentials = await loadCredentialStore(config.credentialsStore);
    const tokens = await TokenService.create(await tokenOptions(config));
    const { app } = buildApp({
      config,
      ledgerForUser: (user) => ledger.ledgerFor(user.fabricIdentity),
      readinessProbe: () => ledger.probe(),
      credentials,
      tokens,
      logger,
    });
    const running = await listenGateway(app, config);
    logger.info({ address: running.address, users: credentials.size }, 'gateway listening');
    const signal = await shutdownSignal();
    logger.info({ signal }, 'shutting down: refusing new requests, finishing in-flight ones');
    const outcome = await running.close();
    ledger.close();
    logger.info({ outcome }, 'gateway stopped');
    return ExitCode.OK;
  } catch (error) {
    if (
      error instanceof LedgerUnavailableError ||
      error instanceof CredentialStoreError ||
      error instanceof ConfigError
    ) {
      process.stderr.write(`fhirledger gateway: ${error.code}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
};

async function tokenOptions(config: Readonly<GatewayConfig>): Promise<TokenServiceOptions> {
  const options: TokenServiceOptions = {
    issuer: config.publicUrl,
    audience: config.audience,
    ttlSeconds: config.tokenTtlSeconds,
  };
  if (config.signingKeyPem !== undefined) {
    let privateKey;
    try {
      privateKey = await importPKCS8(config.signingKeyPem, 'ES256', { extractable: true });
    } catch (error) {
      throw new ConfigError('--signing-key-pem is not an ES256 (P-256) PKCS#8 PEM private key', {
        cause: error,
      });
    }
    const publicKey = createPublicKey({ key: config.signingKeyPem, format: 'pem' });
    options.keyPair = {
      privateKey,
      publicKey: await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'ES256', {
        extractable: true,
      }),
    };
  }
  if (config.externalIssuer !== undefined && config.externalJwksUrl !== undefined) {
    options.external = {
      issuer: config.externalIssuer,
      // An explicit deadline on the JWKS fetch: a slow IdP must not hang token checks.
      keys: createRemoteJWKSet(new URL(config.externalJwksUrl), {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
      }),
      audience: config.externalAudience ?? config.audience,
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    };
  }
  return options;
}
