/** Starts, stops and kills single devnet nodes through the supervisor, as network.json describes them. */
import { Supervisor } from '../supervisor.js';
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

export async function launch(supervisor: Supervisor, node: NodeLaunch): Promise<number> {
  const started = await supervisor.start({
    name: node.name,
    command: node.command,
    args: node.args,
    cwd: node.cwd,
    env: nodeEnvironment(),
    ports: node.ports,
    readiness: { url: node.readinessUrl, deadlineMs: READY_DEADLINE_MS },
  });
  return started.pid;
}

export async function killNode(homeDir: string, name: string): Promise<void> {
  const home = new DevnetHome(homeDir);
  nodeOf(readDescription(home), name);
  await new Supervisor(home).kill(name);
}

export async function startNode(homeDir: string, name: string): Promise<void> {
  const home = new DevnetHome(homeDir);
  const node = nodeOf(readDescription(home), name);
  const supervisor = new Supervisor(home);
  if (!supervisor.isRunning(name)) await launch(supervisor, node);
}
