/**
 * What both profiles' `network up` write and launch the same way: node config files, the entry scripts of the
 * node processes, and the EHR chaincode server (chaincode as a service; its package id is added once defined).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpoint } from './dev-profile.js';
import type { NodeLaunch } from './network-description.js';

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO = path.resolve(DIST, '..');
const require = createRequire(import.meta.url);

/** Fabric's default is 500; the devnet serves load tests of up to 2000 virtual users from one peer. */
export const GATEWAY_CONCURRENCY = 10_000;

/** dist/network/node/<file>: the process entries (orderer-main.js, peer-main.js). */
export function nodeEntry(file: string): string {
  return path.join(DIST, 'network', 'node', file);
}

export const CA_ENTRY = path.join(DIST, 'network', 'ca', 'ca-main.js');

export function writeConfig(file: string, config: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

/** The EHR chaincode server; its package id is filled in when the chaincode is defined. */
export function ehrChaincodeServer(port: number): NodeLaunch {
  return {
    name: 'chaincode-ehr',
    role: 'chaincode',
    command: process.execPath,
    args: [require.resolve('fabric-shim/cli.js'), 'server', '--chaincode-address', endpoint(port)],
    cwd: REPO,
    ports: [port],
    endpoints: { grpc: endpoint(port) },
    readinessUrl: `tcp://${endpoint(port)}`,
  };
}

/** The server's launch with the package id and module path appended (replacing any earlier ones). */
export function withPackageId(server: NodeLaunch, packageId: string): NodeLaunch {
  const cut = server.args.indexOf('--chaincode-id');
  const base = cut === -1 ? server.args : server.args.slice(0, cut);
  return {
    ...server,
    args: [...base, '--chaincode-id', packageId, '--module-path', path.join(REPO, 'chaincode')],
  };
}
