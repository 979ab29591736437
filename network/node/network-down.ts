/** `network down`: stops every node in reverse start order; `--purge` then deletes the home. */
import { existsSync, rmSync } from 'node:fs';
import { Supervisor } from '../supervisor.js';
import { DevnetHome } from './devnet-home.js';
import { readDescription } from './network-description.js';

export async function networkDown(homeDir: string, purge: boolean): Promise<string[]> {
  const home = new DevnetHome(homeDir);
  const stopped: string[] = [];
  if (existsSync(home.networkFile)) {
    const supervisor = new Supervisor(home);
    for (const node of [...readDescription(home).nodes].reverse()) {
      if (await supervisor.stop(node.name)) stopped.push(node.name);
    }
  }
  if (purge) rmSync(home.root, { recursive: true, force: true });
  return stopped;
}
