/**
 * TEST ONLY: a devnet in a temporary home with its ports moved by an offset, driven through the real CLI, and the
 * connection pieces an unmodified @hyperledger/fabric-gateway client needs (TLS root, User1 identity and signer).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  signers,
  type Contract,
  type Gateway,
  type Identity,
  type Network,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { acceptsConnection } from '../supervisor.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(DIST, 'cli', 'main.js');
export const REPO = path.resolve(DIST, '..');
const CHAINCODE_SERVER = path.join(REPO, 'node_modules', 'fabric-shim', 'cli.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export class TestDevnet {
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-devnet-'));
  private readonly servers: ChildProcess[] = [];

  constructor(
    readonly portOffset: number,
    readonly profile: 'dev' | 'paper' = 'dev',
  ) {}

  port(defaultPort: number): number {
    return defaultPort + this.portOffset;
  }

  network(...args: string[]): CliResult {
    return runCli(['network', ...args, '--home', this.home]);
  }

  up(): CliResult {
    const profile = this.profile === 'dev' ? [] : ['--profile', this.profile];
    return this.network('up', '--port-offset', String(this.portOffset), ...profile);
  }

  status(): {
    nodes: {
      name: string;
      role: string;
      healthy: boolean;
      pid: number | null;
      ledgerHeight: number | null;
      raftLeader?: boolean | null;
    }[];
  } {
    const result = this.network('status', '--json');
    return JSON.parse(result.stdout) as ReturnType<TestDevnet['status']>;
  }

  /** Deploys a chaincode-as-a-service and starts its server (fabric-chaincode-node) from `moduleDir`. */
  async deployChaincode(name: string, moduleDir: string, port: number): Promise<string> {
    const deployed = this.network('chaincode', 'deploy', '--name', name, '--address', `127.0.0.1:${port}`);
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stderr}`);
    const { packageId } = JSON.parse(deployed.stdout) as { packageId: string };
    const server = spawn(
      process.execPath,
      [
        CHAINCODE_SERVER,
        'server',
        '--chaincode-address',
        `127.0.0.1:${port}`,
        '--chaincode-id',
        packageId,
        '--module-path',
        moduleDir,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    this.servers.push(server);
    await waitForPort(port);
    return packageId;
  }

  peerTlsRoot(peerHost = 'peer0.org1.example.com'): Buffer {
    const orgDomain = peerHost.slice(peerHost.indexOf('.') + 1);
    return readFileSync(
      path.join(this.home, `organizations/peerOrganizations/${orgDomain}/peers/${peerHost}/tls/ca.crt`),
    );
  }

  /** A gRPC client to a peer: dev's peer0.org1 by default, or any peer by its default port and host name. */
  grpcClient(defaultPort = 7051, peerHost = 'peer0.org1.example.com'): grpc.Client {
    return new grpc.Client(
      `127.0.0.1:${this.port(defaultPort)}`,
      grpc.credentials.createSsl(this.peerTlsRoot(peerHost)),
      { 'grpc.ssl_target_name_override': peerHost },
    );
  }

  /** The test network's User1 (NodeOU client) of org1, or of `orgNumber`. */
  user(
    name = 'User1',
    orgNumber = 1,
  ): {
    identity: Identity;
    signer: Signer;
    certificatePem: string;
    privateKeyPem: string;
  } {
    const domain = `org${orgNumber}.example.com`;
    const msp = path.join(this.home, `organizations/peerOrganizations/${domain}/users/${name}@${domain}/msp`);
    const certDir = path.join(msp, 'signcerts');
    const certificatePem = readFileSync(path.join(certDir, firstFile(certDir)), 'utf8');
    const keyDir = path.join(msp, 'keystore');
    const privateKeyPem = readFileSync(path.join(keyDir, firstFile(keyDir)), 'utf8');
    return {
      identity: { mspId: `Org${orgNumber}MSP`, credentials: Buffer.from(certificatePem) },
      signer: signers.newPrivateKeySigner(createPrivateKey(privateKeyPem)),
      certificatePem,
      privateKeyPem,
    };
  }

  gateway(client: grpc.Client, identity: Identity, signer: Signer): Gateway {
    return connect({
      client,
      identity,
      signer,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
      submitOptions: () => ({ deadline: Date.now() + 10_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
    });
  }

  /** User1's gateway through `client`, channel `mychannel` and the test contract (chaincode `basic`, `shimtest`). */
  connectTestContract(client: grpc.Client): { gateway: Gateway; network: Network; contract: Contract } {
    const user = this.user();
    const gateway = this.gateway(client, user.identity, user.signer);
    const network = gateway.getNetwork('mychannel');
    return { gateway, network, contract: network.getContract('basic', 'shimtest') };
  }

  destroy(): void {
    for (const server of this.servers) server.kill('SIGKILL');
    runCli(['network', 'down', '--home', this.home, '--purge']);
    rmSync(this.home, { recursive: true, force: true });
  }
}

function firstFile(dir: string): string {
  const [name] = readdirSync(dir);
  if (name === undefined) throw new Error(`${dir} is empty`);
  return name;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await acceptsConnection(new URL(`tcp://127.0.0.1:${port}`), 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`chaincode server did not listen on ${port}`);
}

/** Polls `url` until it answers 2xx (a server another process is starting), for at most 30 s. */
export async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch (error) {
      // Not listening yet: retried below until the deadline.
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 2xx within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
