/**
 * `fhirledger network up | down | status | logs | chaincode deploy | kill | start`: fabric-devnet, a Fabric network
 * written in TypeScript that speaks Fabric's wire protocol, run as one OS process per node under a home folder.
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
import type { CommandRunner } from '../cli/command.js';
import { defaultHome } from './node/devnet-home.js';
import { NetworkError } from './node/network-error.js';

const HOME_FLAG = {
  type: 'string',
  valueName: 'DIR',
  description: 'the network home (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME)',
} as const;

const UP: CommandSpec = {
  usage: 'fhirledger network up [--profile dev|paper] [--home DIR] [--port-offset N]',
  summary:
    'Starts fabric-devnet (dev: orderer, peer0.org1, CA, EHR chaincode server; paper: 3 orgs x 2 peers, 3 CAs, 3 orderers on an etcd Raft cluster), creating its crypto and channel on first use, and waits until every node is healthy. Idempotent: a running network is left as it is.',
  flags: {
    profile: {
      type: 'string',
      valueName: 'NAME',
      description: 'network profile: dev or paper (default dev, or what the network was created with)',
    },
    home: HOME_FLAG,
    'port-offset': {
      type: 'string',
      valueName: 'N',
      description:
        'added to every default port (orderer 7050, peer 7051, CA 7054, …) to run a second network (default 0, or what the network was created with)',
    },
  },
};

const DOWN: CommandSpec = {
  usage: 'fhirledger network down [--home DIR] [--purge]',
  summary:
    'Stops every node of the network. Blocks, state and crypto stay unless --purge removes the whole home.',
  flags: {
    home: HOME_FLAG,
    purge: { type: 'boolean', description: 'also delete the home folder (ledger, crypto)' },
  },
};

const STATUS: CommandSpec = {
  usage: 'fhirledger network status [--home DIR] [--json]',
  summary:
    'Shows every node (role, pid, endpoints, health, ledger height), the channel, chaincodes and profile paths.',
  flags: { home: HOME_FLAG, json: { type: 'boolean', description: 'print JSON on stdout' } },
};

const LOGS: CommandSpec = {
  usage: 'fhirledger network logs [NODE] [--home DIR] [--lines N]',
  summary: 'Prints the last lines of one node log, or of every node log.',
  flags: {
    home: HOME_FLAG,
    lines: { type: 'string', valueName: 'N', default: '50', description: 'lines per log (default 50)' },
  },
  positionals: true,
};

const DEPLOY: CommandSpec = {
  usage:
    'fhirledger network chaincode deploy --name N --address HOST:PORT [--version V] [--policy P] [--home DIR]',
  summary:
    "Defines a chaincode-as-a-service on the channel and prints JSON with its package id (give it to the chaincode server's --chaincode-id).",
  flags: {
    name: { type: 'string', valueName: 'N', description: 'chaincode name' },
    address: { type: 'string', valueName: 'HOST:PORT', description: 'where the chaincode server listens' },
    version: {
      type: 'string',
      valueName: 'V',
      default: '1.0',
      description: 'chaincode version (default 1.0)',
    },
    policy: {
      type: 'string',
      valueName: 'P',
      description:
        "endorsement policy, e.g. \"OR('Org1MSP.peer')\" (default: the channel's MAJORITY Endorsement)",
    },
    home: HOME_FLAG,
  },
};

const NODE_CONTROL: CommandSpec = {
  usage: 'fhirledger network kill|start NODE [--home DIR]',
  summary: 'Stops one node with SIGKILL, or starts one stopped node again (for fault tests).',
  flags: { home: HOME_FLAG },
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
    throw error;
  }
};

function parsed(spec: CommandSpec, argv: readonly string[]) {
  const args = parseCommandArgs(spec, argv);
  if (args.help) process.stdout.write(helpText(spec));
  return { ...args, home: stringFlag(args.values, 'home') ?? defaultHome() };
}

async function up(argv: readonly string[]): Promise<number> {
  const args = parsed(UP, argv);
  if (args.help) return ExitCode.OK;
  const profile = stringFlag(args.values, 'profile');
  if (profile !== undefined && profile !== 'dev' && profile !== 'paper') {
    throw new UsageError(`--profile "${profile}": the profiles are dev and paper`);
  }
  const { networkUp } = await import('./node/network-up.js');
  const portOffset =
    args.values['port-offset'] === undefined ? undefined : intFlag(args.values, 'port-offset', -6000, 50000);
  const report = await networkUp({ home: args.home, portOffset, profile });
  process.stdout.write(report.text);
  return ExitCode.OK;
}

async function down(argv: readonly string[]): Promise<number> {
  const args = parsed(DOWN, argv);
  if (args.help) return ExitCode.OK;
  const { networkDown } = await import('./node/network-down.js');
  const stopped = await networkDown(args.home, args.values.purge === true);
  process.stdout.write(
    `stopped ${stopped.length === 0 ? 'nothing (no node was running)' : stopped.join(', ')}\n`,
  );
  return ExitCode.OK;
}

async function status(argv: readonly string[]): Promise<number> {
  const args = parsed(STATUS, argv);
  if (args.help) return ExitCode.OK;
  const { networkStatus, formatStatus } = await import('./node/network-status.js');
  const report = await networkStatus(args.home);
  const json = args.values.json === true;
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
  return report.nodes.length > 0 && report.nodes.every((node) => node.healthy)
    ? ExitCode.OK
    : ExitCode.FAILURE;
}

async function logs(argv: readonly string[]): Promise<number> {
  const args = parsed(LOGS, argv);
  if (args.help) return ExitCode.OK;
  const { printLogs } = await import('./node/network-logs.js');
  await printLogs(args.home, args.positionals[0], intFlag(args.values, 'lines', 1, 100000));
  return ExitCode.OK;
}

async function deploy(argv: readonly string[]): Promise<number> {
  const args = parsed(DEPLOY, argv);
  if (args.help) return ExitCode.OK;
  const name = stringFlag(args.values, 'name');
  const address = stringFlag(args.values, 'address');
  if (name === undefined || !/^[A-Za-z0-9_.+-]+$/.test(name))
    throw new UsageError('--name is required: a chaincode name');
  if (address === undefined || !/^[\w.-]+:\d{1,5}$/.test(address))
    throw new UsageError('--address is required: HOST:PORT');
  const { deployChaincode } = await import('./node/chaincode-deploy.js');
  const deployed = await deployChaincode(args.home, {
    name,
    address,
    version: stringFlag(args.values, 'version') ?? '1.0',
    policy: stringFlag(args.values, 'policy'),
  });
  process.stdout.write(`${JSON.stringify(deployed, null, 2)}\n`);
  return ExitCode.OK;
}

async function nodeControl(verb: 'kill' | 'start', argv: readonly string[]): Promise<number> {
  const args = parsed(NODE_CONTROL, argv);
  if (args.help) return ExitCode.OK;
  const node = args.positionals[0];
  if (node === undefined) throw new UsageError(`network ${verb} needs a node name (see "network status")`);
  const { killNode, startNode } = await import('./node/node-control.js');
  if (verb === 'kill') await killNode(args.home, node);
  else await startNode(args.home, node);
  process.stdout.write(`${verb === 'kill' ? 'killed' : 'started'} ${node}\n`);
  return ExitCode.OK;
}
