/** Starts, stops and kills single devnet nodes through the supervisor, as network.json describes them. */
import { Supervisor } from '../supervisor.js';
import { DevnetHome } from './devnet-home.js';
import { nodeOf, readDescription, type NodeLaunch } from './network-description.js';

/** Node processes read this to find their config; children inherit nothing else from the CLI's environment. */
const READY_DEADLINE_MS = 30_000;

export async function launch(supervisor: Supervisor, node: NodeLaunch): Promise<number> {
  const started = await supervisor.start({
    name: node.name,
    command: node.command,
    args: node.args,
    cwd: node.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
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
