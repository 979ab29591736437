/** `network logs [NODE]`: the last lines of one node's log, or of each node's. */
import { existsSync, readFileSync } from 'node:fs';
import { DevnetHome } from './devnet-home.js';
import { nodeOf, readDescription } from './network-description.js';

export async function printLogs(homeDir: string, node: string | undefined, lines: number): Promise<void> {
  const home = new DevnetHome(homeDir);
  const description = readDescription(home);
  const names = node === undefined ? description.nodes.map((n) => n.name) : [nodeOf(description, node).name];
  for (const name of names) {
    const file = home.logFile(name);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    process.stdout.write(names.length > 1 ? `==> ${name} (${file}) <==\n${tail}\n\n` : `${tail}\n`);
  }
  await Promise.resolve();
}
