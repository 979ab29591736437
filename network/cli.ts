/**
 * `fhirledger network up | down | status | logs | chaincode deploy | kill | start`: fabric-devnet, a Fabric network
 * written in TypeScript that speaks Fabric's wire protocol, run as one OS process per node under a home folder.
 */
import {
  ExitCode,
  helpText,
  parseCommandArgs,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../common/cli-args.js';
import { ConfigError, settingFlags, type SettingsTable } from '../common/config-table.js';
import type { CommandRunner } from '../cli/command.js';
import {
  DEPLOY_SETTINGS,
  HOME_SETTINGS,
  loadNetworkSettings,
  LOGS_SETTINGS,
  requireDeployTarget,
  UP_SETTINGS,
} from './network-config.js';
import { NetworkError } from './node/network-error.js';

const UP: CommandSpec = {
  usage: 'fhirledger network up [--profile dev|paper] [--home DIR] [--port-offset N]',
  summary:
    'Starts fabric-devnet (dev: orderer, peer0.org1, CA, EHR chaincode server; paper: 3 orgs x 2 peers, 3 CAs, 3 orderers on an etcd Raft cluster), creating its crypto and channel on first use, and waits until every node is healthy. Idempotent: a running network is left as it is.',
  flags: settingFlags(UP_SETTINGS),
};

const DOWN: CommandSpec = {
  usage: 'fhirledger network down [--home DIR] [--purge]',
  summary:
    'Stops every node of the network. Blocks, state and crypto stay unless --purge removes the whole home.',
  flags: {
    ...settingFlags(HOME_SETTINGS),
    purge: { type: 'boolean', description: 'also delete the home folder (ledger, crypto)' },
  },
};

const STATUS: CommandSpec = {
  usage: 'fhirledger network status [--home DIR] [--json]',
  summary:
    'Shows every node (role, pid, endpoints, health, ledger height), the channel, chaincodes and profile paths.',
  flags: {
    ...settingFlags(HOME_SETTINGS),
    json: { type: 'boolean', description: 'print JSON on stdout' },
  },
};

const LOGS: CommandSpec = {
  usage: 'fhirledger network logs [NODE] [--home DIR] [--lines N]',
  summary: 'Prints the last lines of one node log, or of every node log.',
  flags: settingFlags(LOGS_SETTINGS),
  positionals: true,
};

const DEPLOY: CommandSpec = {
  usage:
    'fhirledger network chaincode deploy --name N --address HOST:PORT [--version V] [--policy P] [--home DIR]',
  summary:
    "Defines a chaincode-as-a-service on the channel and prints JSON with its package id (give it to the chaincode server's --chaincode-id).",
  flags: settingFlags(DEPLOY_SETTINGS),
};

const NODE_CONTROL: CommandSpec = {
  usage: 'fhirledger network kill|start NODE [--home DIR]',
  summary: 'Stops one node with SIGKILL, or starts one stopped node again (for fault tests).',
  flags: settingFlags(HOME_SETTINGS),
  positionals: true,
};

const USAGE = `Usage: fhirledger network <command> [options]

  up                  start the devnet (creates crypto and channel on first use)
  down [--purge]      stop every node (--purge also deletes ledger and crypto)
  status [--json]     nodes, health, heights, channel, chaincodes, connection profiles
  logs [NODE]         the last lines of the node logs
  chaincode deploy    define a chaincode-as-a-service and print its package id
  kill NODE | start NODE   stop one node with SIGKILL / start it again
`;

export const run: CommandRunner = async (argv) => {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'up':
        return await up(rest);
      case 'down':
        return await down(rest);
      case 'status':
        return await status(rest);
      case 'logs':
        return await logs(rest);
      case 'chaincode':
        if (rest[0] !== 'deploy')
          throw new UsageError(`unknown network chaincode command "${rest[0] ?? ''}"\n${helpText(DEPLOY)}`);
        return await deploy(rest.slice(1));
      case 'kill':
      case 'start':
        return await nodeControl(sub, rest);
      case undefined:
        process.stdout.write(USAGE);
        return ExitCode.USAGE;
      case '--help':
        process.stdout.write(USAGE);
        return ExitCode.OK;
      default:
        throw new UsageError(`unknown network command "${sub}"\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof NetworkError) {
      process.stderr.write(`fhirledger network ${sub ?? ''}: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`fhirledger network ${sub ?? ''}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
};

/**
 * The subcommand's flags and its settings (flag, else FHIRLEDGER_NETWORK_*, else default); undefined after --help.
 * A bad value throws ConfigError, which the entry point answers with exit 2.
 */
function parsed<C extends { home: string | undefined }>(
  spec: CommandSpec,
  table: SettingsTable<C>,
  argv: readonly string[],
): { args: ParsedArgs; settings: Readonly<C & { home: string }> } | undefined {
  const args = parseCommandArgs(spec, argv);
  if (args.help) {
    process.stdout.write(helpText(spec));
    return undefined;
  }
  return { args, settings: loadNetworkSettings(table, args.values, process.env) };
}

async function up(argv: readonly string[]): Promise<number> {
  const read = parsed(UP, UP_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const { home, portOffset, profile } = read.settings;
  const { networkUp } = await import('./node/network-up.js');
  const report = await networkUp({ home, portOffset, profile });
  process.stdout.write(report.text);
  return ExitCode.OK;
}

async function down(argv: readonly string[]): Promise<number> {
  const read = parsed(DOWN, HOME_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const { networkDown } = await import('./node/network-down.js');
  const stopped = await networkDown(read.settings.home, read.args.values.purge === true);
  process.stdout.write(
    `stopped ${stopped.length === 0 ? 'nothing (no node was running)' : stopped.join(', ')}\n`,
  );
  return ExitCode.OK;
}

async function status(argv: readonly string[]): Promise<number> {
  const read = parsed(STATUS, HOME_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const { networkStatus, formatStatus } = await import('./node/network-status.js');
  const report = await networkStatus(read.settings.home);
  const json = read.args.values.json === true;
  if (report.connectionProfiles === null) {
    // No devnet in this home: a state the user fixes with `network up`, so exit 2 with NETWORK_NOT_CREATED as every
    // other network command does; --json still prints the (empty) report so scripts can read it.
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    throw new NetworkError(
      'NETWORK_NOT_CREATED',
      `no devnet in ${report.home}: run "fhirledger network up" first`,
    );
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
  // A stopped or unhealthy node is an answer, not a failure of `status`: exit 3 (finished, with findings).
  return report.nodes.length > 0 && report.nodes.every((node) => node.healthy)
    ? ExitCode.OK
    : ExitCode.FINISHED_WITH_FINDINGS;
}

async function logs(argv: readonly string[]): Promise<number> {
  const read = parsed(LOGS, LOGS_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const { printLogs } = await import('./node/network-logs.js');
  await printLogs(read.settings.home, read.args.positionals[0], read.settings.lines);
  return ExitCode.OK;
}

async function deploy(argv: readonly string[]): Promise<number> {
  const read = parsed(DEPLOY, DEPLOY_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const { name, address } = requireDeployTarget(read.settings);
  const { deployChaincode } = await import('./node/chaincode-deploy.js');
  const deployed = await deployChaincode(read.settings.home, {
    name,
    address,
    version: read.settings.version,
    policy: read.settings.policy,
  });
  process.stdout.write(`${JSON.stringify(deployed, null, 2)}\n`);
  return ExitCode.OK;
}

async function nodeControl(verb: 'kill' | 'start', argv: readonly string[]): Promise<number> {
  const read = parsed(NODE_CONTROL, HOME_SETTINGS, argv);
  if (read === undefined) return ExitCode.OK;
  const node = read.args.positionals[0];
  if (node === undefined) throw new UsageError(`network ${verb} needs a node name (see "network status")`);
  const { killNode, startNode } = await import('./node/node-control.js');
  if (verb === 'kill') await killNode(read.settings.home, node);
  else await startNode(read.settings.home, node);
  process.stdout.write(`${verb === 'kill' ? 'killed' : 'started'} ${node}\n`);
  return ExitCode.OK;
}
