/**
 * `fhirledger up` and `fhirledger down`: the whole local stack (devnet, seeded users, FHIR gateway) in one command
 * each. `network up|down` remain for the devnet alone.
 */
import { ExitCode, helpText, parseCommandArgs, UsageError, type CommandSpec } from '../common/cli-args.js';
import { ConfigError, settingFlags } from '../common/config-table.js';
import type { CommandRunner } from '../cli/command.js';
import { loadNetworkSettings } from '../network/network-config.js';
import { ProfileError } from '../network/node/dev-profile.js';
import { NetworkError } from '../network/node/network-error.js';
import { SupervisorError } from '../network/supervisor.js';
import { SeedError } from '../gateway/users-seed.js';
import { STACK_DOWN_SETTINGS, STACK_UP_SETTINGS } from './stack-config.js';

export const UP_COMMAND: CommandSpec = {
  usage:
    'fhirledger up [--profile dev|paper] [--home DIR] [--port-offset N] [--providers N] [--patients N] [--regulators N]',
  summary:
    'Brings up the whole local stack: fabric-devnet with the EHR chaincode, users enrolled from its CA (org1’s on the paper profile), and the FHIR gateway; prints the URLs, the connection profile, the credentials store and where the password is. Idempotent. Each flag can also be set by the FHIRLEDGER_* variable its help names.',
  flags: settingFlags(STACK_UP_SETTINGS),
};

export const DOWN_COMMAND: CommandSpec = {
  usage: 'fhirledger down [--home DIR] [--purge]',
  summary: 'Stops the gateway and every devnet node; --purge also deletes the home (ledger, crypto, users).',
  flags: {
    ...settingFlags(STACK_DOWN_SETTINGS),
    purge: { type: 'boolean', description: 'also delete the home folder' },
  },
};

async function guarded(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof ProfileError) {
      process.stderr.write(`fhirledger ${command}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof NetworkError) {
      process.stderr.write(`fhirledger ${command}: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SupervisorError || error instanceof SeedError) {
      process.stderr.write(`fhirledger ${command}: ${error.code}: ${error.message}\n`);
      return ExitCode.FAILURE;
    }
    throw error;
  }
}

export const runUp: CommandRunner = (argv) =>
  guarded('up', async () => {
    const args = parseCommandArgs(UP_COMMAND, argv);
    if (args.help) {
      process.stdout.write(helpText(UP_COMMAND));
      return ExitCode.OK;
    }
    // Flag, else FHIRLEDGER_STACK_* (the home: FHIRLEDGER_NETWORK_HOME), else default; a bad value is exit 2.
    const { home, portOffset, profile, providers, patients, regulators, gatewayLogLevel } =
      loadNetworkSettings(STACK_UP_SETTINGS, args.values, process.env);
    const { stackUp } = await import('./stack-up.js');
    const result = await stackUp({
      home,
      portOffset,
      profile,
      users: { providers, patients, regulators },
      gatewayLogLevel,
    });
    process.stdout.write(result.text);
    return ExitCode.OK;
  });

export const runDown: CommandRunner = (argv) =>
  guarded('down', async () => {
    const args = parseCommandArgs(DOWN_COMMAND, argv);
    if (args.help) {
      process.stdout.write(helpText(DOWN_COMMAND));
      return ExitCode.OK;
    }
    const { home } = loadNetworkSettings(STACK_DOWN_SETTINGS, args.values, process.env);
    const { stackDown } = await import('./stack-down.js');
    const stopped = await stackDown(home, args.values.purge === true);
    process.stdout.write(
      `stopped ${stopped.length === 0 ? 'nothing (nothing was running)' : stopped.join(', ')}\n`,
    );
    return ExitCode.OK;
  });
