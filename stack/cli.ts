/**
 * `fhirledger up` and `fhirledger down`: the whole local stack (devnet, seeded users, FHIR gateway) in one command
 * each. `network up|down` remain for the devnet alone.
 */
import {
  ExitCode,
  helpText,
  intFlag,
  parseCommandArgs,
  stringFlag,
  UsageError,
  type CommandSpec,
} from '../common/cli-args.js';
import { defaultDevnetHome } from '../common/devnet-location.js';
import type { CommandRunner } from '../cli/command.js';
import { ProfileError } from '../network/node/dev-profile.js';
import { NetworkError } from '../network/node/network-error.js';
import { SupervisorError } from '../network/supervisor.js';
import { SeedError } from '../gateway/users-seed.js';

const HOME_FLAG = {
  type: 'string',
  valueName: 'DIR',
  description: 'the stack home (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME)',
} as const;

export const UP_COMMAND: CommandSpec = {
  usage:
    'fhirledger up [--profile dev|paper] [--home DIR] [--port-offset N] [--providers N] [--patients N] [--regulators N]',
  summary:
    'Brings up the whole local stack: fabric-devnet with the EHR chaincode, users enrolled from its CA (org1’s on the paper profile), and the FHIR gateway; prints the URLs, the connection profile, the credentials store and where the password is. Idempotent.',
  flags: {
    profile: {
      type: 'string',
      valueName: 'NAME',
      description:
        'network profile: dev (1 peer, gateway on 8080) or paper (3 orgs × 2 peers, MAJORITY endorsement, 3 Raft orderers; gateway on 7480); default what the home was created with, dev for a new one',
    },
    home: HOME_FLAG,
    'port-offset': {
      type: 'string',
      valueName: 'N',
      description:
        'added to every port, the gateway’s 8080 (dev) or 7480 (paper) included (default 0, or what the stack was created with)',
    },
    providers: {
      type: 'string',
      valueName: 'N',
      default: '20',
      description: 'providers to seed (default 20)',
    },
    patients: { type: 'string', valueName: 'N', default: '20', description: 'patients to seed (default 20)' },
    regulators: {
      type: 'string',
      valueName: 'N',
      default: '2',
      description: 'regulators to seed (default 2)',
    },
    'gateway-log-level': {
      type: 'string',
      valueName: 'LEVEL',
      default: 'warn',
      description: "the gateway's log level (default warn: a load run's requests are not logged one by one)",
    },
  },
};

export const DOWN_COMMAND: CommandSpec = {
  usage: 'fhirledger down [--home DIR] [--purge]',
  summary: 'Stops the gateway and every devnet node; --purge also deletes the home (ledger, crypto, users).',
  flags: {
    home: HOME_FLAG,
    purge: { type: 'boolean', description: 'also delete the home folder' },
  },
};

async function guarded(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProfileError) {
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
    const profile = stringFlag(args.values, 'profile');
    if (profile !== undefined && profile !== 'dev' && profile !== 'paper') {
      throw new UsageError(`--profile "${profile}": expected dev or paper`);
    }
    const { stackUp } = await import('./stack-up.js');
    const result = await stackUp({
      home: stringFlag(args.values, 'home') ?? defaultDevnetHome(),
      portOffset:
        args.values['port-offset'] === undefined
          ? undefined
          : // Up to 58000: the paper layout's highest port (7499) still fits; each profile checks its own ports.
            intFlag(args.values, 'port-offset', -6000, 58000),
      profile,
      users: {
        providers: intFlag(args.values, 'providers', 1, 100_000),
        patients: intFlag(args.values, 'patients', 0, 100_000),
        regulators: intFlag(args.values, 'regulators', 0, 100_000),
      },
      gatewayLogLevel: stringFlag(args.values, 'gateway-log-level') ?? 'warn',
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
    const { stackDown } = await import('./stack-down.js');
    const stopped = await stackDown(
      stringFlag(args.values, 'home') ?? defaultDevnetHome(),
      args.values.purge === true,
    );
    process.stdout.write(
      `stopped ${stopped.length === 0 ? 'nothing (nothing was running)' : stopped.join(', ')}\n`,
    );
    return ExitCode.OK;
  });
