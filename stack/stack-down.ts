/**
 * `fhirledger down`: stops what `up` started — the gateway first (SIGTERM, so in-flight requests finish and nothing
 * acknowledged is cut off), then every devnet node; `--purge` also deletes the home (ledger, crypto, users).
 */
import { rmSync } from 'node:fs';
import { networkDown } from '../network/node/network-down.js';
import { stopGateway } from './gateway-process.js';
import { stackFile } from './stack-file.js';

export async function stackDown(home: string, purge: boolean): Promise<string[]> {
  const stopped: string[] = [];
  if (await stopGateway(home)) stopped.push('fhir-gateway');
  stopped.push(...(await networkDown(home, purge)));
  rmSync(stackFile(home), { force: true });
  return stopped;
}
