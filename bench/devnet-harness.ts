/**
 * The devnet as the benchmark drives it: `network up` in a temporary home with a port offset through the real CLI,
 * a chaincode-as-a-service started beside it, the pids of every node, their CPU seconds from /proc, and the
 * connection pieces an unmodified @hyperledger/fabric-gateway client needs. Everything on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type ConnectOptions, type Gateway } from '@hyperledger/fabric-gateway';
import { signLowS } from '../network/msp/ecdsa.js';
import { acceptsConnection } from '../network/supervisor.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(DIST, 'cli', 'main.js');
export const REPO = path.resolve(DIST, '..');
const CHAINCODE_SERVER = path.join(REPO, 'node_modules', 'fabric-shim', 'cli.js');
const CLK_TCK = 100;

export class DevnetHarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DevnetHarnessError';
  }
}

/** user + system CPU seconds of one process, from /proc/<pid>/stat (utime and stime, fields 14 and 15). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after it are split from the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * How the client signs: `noble`, fabric-gateway's own signers.newPrivateKeySigner (pure-JS @noble/curves ECDSA);
 * `node-crypto`, a Signer over node:crypto (OpenSSL) given the whole message (hash.none) and normalised to low-S as
 * Fabric requires — the same unmodified client with the signer a user may plug in.
 */
export type ClientSigner = 'noble' | 'node-crypto';

export class BenchDevnet {
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-bench-devnet-'));
  private readonly servers: ChildProcess[] = [];
  /** Node name → pid, for the CPU split. */
  readonly pids = new Map<string, number>();

  /** NODE_OPTIONS for every devnet node process and chaincode server, e.g. to profile them. */
  readonly nodeOptions: string | undefined;

  constructor(
    readonly portOffset: number,
    cpuProfileDir: string | undefined,
    readonly profile: 'dev' | 'paper' = 'dev',
  ) {
    if (cpuProfileDir === undefined) {
      this.nodeOptions = undefined;
      return;
    }
    // node 20 refuses --cpu-prof in NODE_OPTIONS, so a preload starts the inspector's profiler instead and writes
    // the profile (named as --cpu-prof names it) on exit; SIGINT/SIGTERM become process.exit when nothing else (the
    // devnet nodes' own shutdown handler) listens, as a chaincode server would otherwise die without writing it.
    const preload = path.join(this.home, 'cpu-profile-preload.cjs');
    writeFileSync(preload, profilerPreload(cpuProfileDir));
    this.nodeOptions = `--require=${preload}`;
  }

  port(defaultPort: number): number {
    return defaultPort + this.portOffset;
  }

  private cli(args: readonly string[]): string {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (this.nodeOptions !== undefined) env.FHIRLEDGER_NODE_OPTIONS = this.nodeOptions;
    const result = spawnSync(process.execPath, [CLI, 'network', ...args, '--home', this.home], {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    if (result.status !== 0) {
      throw new DevnetHarnessError(
        `fhirledger network ${args.join(' ')} exited ${String(result.status)}: ${result.stderr}`,
      );
    }
    return result.stdout;
  }

  up(): void {
    this.cli(['up', '--port-offset', String(this.portOffset), '--profile', this.profile]);
    const status = JSON.parse(this.cli(['status', '--json'])) as {
      nodes: { name: string; healthy: boolean; pid: number | null }[];
    };
    for (const node of status.nodes) {
      if (!node.healthy || node.pid === null)
        throw new DevnetHarnessError(`${node.name} is not healthy after up`);
      this.pids.set(node.name, node.pid);
    }
  }

  /** `network status --json`: each node's role, health, ledger height and (orderers) whether it leads Raft. */
  status(): {
    name: string;
    role: string;
    healthy: boolean;
    pid: number | null;
    ledgerHeight: number | null;
    raftLeader?: boolean | null;
  }[] {
    return (JSON.parse(this.cli(['status', '--json'])) as { nodes: ReturnType<BenchDevnet['status']> }).nodes;
  }

  /** `network kill|start NODE`: the fault a crash benchmark injects, through the same CLI a user has. */
  control(verb: 'kill' | 'start', node: string): void {
    this.cli([verb, node]);
  }

  /** `network chaincode deploy`: defines a chaincode-as-a-service at `address`; returns the package id it serves. */
  deploy(name: string, address: string): string {
    const deployed = JSON.parse(this.cli(['chaincode', 'deploy', '--name', name, '--address', address])) as {
      packageId: string;
    };
    return deployed.packageId;
  }

  /** Deploys a chaincode-as-a-service and starts its server (fabric-chaincode-node) from `moduleDir`. */
  async deployChaincode(name: string, moduleDir: string, port: number): Promise<void> {
    const packageId = this.deploy(name, `127.0.0.1:${port}`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
    };
    if (this.nodeOptions !== undefined) env.NODE_OPTIONS = this.nodeOptions;
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
      { stdio: ['ignore', 'ignore', 'inherit'], env },
    );
    this.servers.push(server);
    if (server.pid !== undefined) this.pids.set(`chaincode-${name}`, server.pid);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await acceptsConnection(new URL(`tcp://127.0.0.1:${port}`), 1000)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new DevnetHarnessError(`chaincode server ${name} did not listen on 127.0.0.1:${port} within 15 s`);
  }

  /** CPU seconds of every node process now. */
  cpuSeconds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of this.pids) out[name] = processCpuSeconds(pid);
    return out;
  }

  grpcClient(): grpc.Client {
    const tlsRoot = readFileSync(
      path.join(
        this.home,
        'organizations/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/tls/ca.crt',
      ),
    );
    // The gateway peer: dev's only peer, or the paper profile's peer0.org1 (7210).
    const port = this.port(this.profile === 'paper' ? 7210 : 7051);
    return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(tlsRoot), {
      'grpc.ssl_target_name_override': 'peer0.org1.example.com',
    });
  }

  /** A gateway for the test network's User1 (NodeOU client), every call with a deadline. */
  user1Gateway(client: grpc.Client, clientSigner: ClientSigner): Gateway {
    return connect({
      client,
      ...this.user1Identity(clientSigner),
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 30_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
  }

  /** User1's identity and signer, for a gateway with deadlines of its own (the fault cases' shorter ones). */
  user1Identity(
    clientSigner: ClientSigner = 'node-crypto',
  ): Pick<ConnectOptions, 'identity' | 'signer' | 'hash'> {
    const msp = path.join(
      this.home,
      'organizations/peerOrganizations/org1.example.com/users/User1@org1.example.com/msp',
    );
    const certificate = readFileSync(path.join(msp, 'signcerts', firstFile(path.join(msp, 'signcerts'))));
    const key = createPrivateKey(
      readFileSync(path.join(msp, 'keystore', firstFile(path.join(msp, 'keystore'))), 'utf8'),
    );
    const signing =
      clientSigner === 'noble'
        ? { signer: signers.newPrivateKeySigner(key) }
        : { signer: (message: Uint8Array) => Promise.resolve(signLowS(key, message)), hash: hash.none };
    return { identity: { mspId: 'Org1MSP', credentials: certificate }, ...signing };
  }

  /** Stops the chaincode servers with SIGINT (so a --cpu-prof profile gets written), then `network down --purge`. */
  async destroy(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
            server.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            server.kill('SIGINT');
          }),
      ),
    );
    try {
      this.cli(['down', '--purge']);
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}

function profilerPreload(dir: string): string {
  return `'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(${JSON.stringify(dir)} + '/CPU.0.0.' + process.pid + '.0.0.cpuprofile', JSON.stringify(result.profile));
  });
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { if (process.listenerCount(s) === 1) process.exit(0); });
`;
}

function firstFile(dir: string): string {
  const [name] = readdirSync(dir);
  if (name === undefined) throw new DevnetHarnessError(`${dir} is empty`);
  return name;
}
