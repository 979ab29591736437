/**
 * Process entry of the devnet CA: `node dist/network/ca/ca-main.js --config <file.json>`.
 * Logs (pino) go to stderr; the bound ports are printed once to stdout as JSON so a supervisor can read them.
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 unexpected failure, 2 usage or config error.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { CaConfigError, loadCaConfigFile } from './ca-config.js';
import { startCaServer } from './ca-server.js';

const USAGE = `usage: ca-main --config <file.json>

Starts the devnet Fabric CA (the REST subset fabric-ca-client 2.2 uses). See network/ca/README.md for the JSON.
  --config <file>   CA configuration (JSON)
  --help            this text
`;

async function main(): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { config: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.config === undefined) {
    process.stderr.write(`--config is required\n${USAGE}`);
    return 2;
  }
  const logger = pino({ name: 'devnet-ca' }, pino.destination(2));
  let config;
  try {
    config = await loadCaConfigFile(values.config);
  } catch (err) {
    if (err instanceof CaConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  logger.info(
    { config: { ...config, bootstrapAdmin: { id: config.bootstrapAdmin.id, secret: '***' } } },
    'config',
  );
  const server = await startCaServer(config, { logger });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, port: server.port, operationsPort: server.operationsPort })}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  logger.info('CA stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `devnet CA failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
