/** Starts, stops and kills single devnet nodes through the supervisor, as network.json describes them. */
import { Supervisor, SupervisorError } from '../supervisor.js';
import { DevnetHome } from './devnet-home.js';
import { nodeOf, readDescription, type NodeLaunch } from './network-description.js';

const READY_DEADLINE_MS = 30_000;

/**
 * Node processes get a fixed environment and inherit nothing else from the CLI's, except FHIRLEDGER_NODE_OPTIONS,
 * passed on as their NODE_OPTIONS so a benchmark can profile them (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export function nodeEnvironment(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: parent.PATH ?? '', HOME: parent.HOME ?? '', NODE_ENV: 'production' };
  const nodeOptions = parent.FHIRLEDGER_NODE_OPTIONS;
  if (nodeOptions !== undefined && nodeOptions !== '') env.NODE_OPTIONS = nodeOptions;
  return env;
}

/**
 * Starts one node and waits for its readiness URL. A Raft member restarted while the others are down has no
 * leader, so its /health stays 503: with `quorum: false` a TCP connect to its client port is enough.
 */
export async function launch(
  supervisor: Supervisor,
  node: NodeLaunch,
  options: { quorum?: boolean } = {},
): Promise<number> {
  const client = node.endpoints.client;
  const url =
    node.role === 'raft' && options.quorum === false && client !== undefined
      ? client.replace(/^http:/, 'tcp:')
      : node.readinessUrl;
  const spec = {
    name: node.name,
    command: node.command,
    args: node.args,
    cwd: node.cwd,
    env: nodeEnvironment(),
    ports: node.ports,
    readiness: { url, deadlineMs: READY_DEADLINE_MS },
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return (await supervisor.start(spec)).pid;
    } catch (error) {
      if (attempt >= PORT_RACE_ATTEMPTS || !lostPortRace(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, PORT_RACE_WAIT_MS));
    }
  }
}

/**
 * Port offsets put devnet ports inside Linux's ephemeral range (32768–60999), where any process's outgoing
 * connection can hold a port for a moment between the supervisor's free-port check and the node's bind: such a
 * start is tried again (a port taken by a node of ours that is still running fails the same way every time).
 */
const PORT_RACE_ATTEMPTS = 4;
const PORT_RACE_WAIT_MS = 2000;

function lostPortRace(error: unknown): boolean {
  if (!(error instanceof SupervisorError)) return false;
  // Caught either by the supervisor's own free-port check before the spawn, or by the node's bind after it.
  return (
    error.code === 'SUPERVISOR_PORT_IN_USE' ||
    (error.code === 'SUPERVISOR_EXITED' && error.logTail.includes('EADDRINUSE'))
  );
}

/** SIGKILLs the node and its companions (an orderer's Raft member: the two make one Fabric orderer). */
export async function killNode(homeDir: string, name: string): Promise<void> {
  const home = new DevnetHome(homeDir);
  const node = nodeOf(readDescription(home), name);
  const supervisor = new Supervisor(home);
  await supervisor.kill(name);
  for (const companion of node.companions ?? []) await supervisor.kill(companion);
}

/** Starts the node's companions, then the node, each unless it is running. */
export async function startNode(homeDir: string, name: string): Promise<void> {
  const home = new DevnetHome(homeDir);
  const description = readDescription(home);
  const node = nodeOf(description, name);
  const supervisor = new Supervisor(home);
  for (const companion of node.companions ?? []) {
    if (!supervisor.isRunning(companion))
      await launch(supervisor, nodeOf(description, companion), { quorum: false });
  }
  if (!supervisor.isRunning(name)) await launch(supervisor, node);
}
