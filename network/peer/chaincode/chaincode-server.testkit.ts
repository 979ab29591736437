/**
 * TEST ONLY: a real `fabric-chaincode-node server` (fabric-shim 2.5.8) in its own child process — it bundles
 * fabric-protos 0.2.2, which cannot share a process with the peer's 0.3.7.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/network/peer/chaincode → the repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TEST_CONTRACT_DIR = path.join(REPO_ROOT, 'network/peer/chaincode/fixtures/test-contract');

export interface ChaincodeServer {
  readonly address: string;
  readonly port: number;
  readonly packageId: string;
  readonly pid: number | undefined;
  /** stdout+stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

export async function startChaincodeServer(options: {
  modulePath: string;
  packageId: string;
  port?: number;
  /** e.g. the TLS flags --chaincode-tls-cert-file / --chaincode-tls-key-file. */
  extraArgs?: readonly string[];
}): Promise<ChaincodeServer> {
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const cli = path.join(REPO_ROOT, 'node_modules/fabric-shim/cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      'server',
      '--chaincode-address',
      address,
      '--chaincode-id',
      options.packageId,
      '--module-path',
      options.modulePath,
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'warning' },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForPort(port, child, () => output);
  return {
    address,
    port,
    packageId: options.packageId,
    pid: child.pid,
    output: () => output,
    stop: () => stopChild(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chaincode server exited (${child.exitCode}):\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`chaincode server did not listen on ${port} within 20 s:\n${output()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
