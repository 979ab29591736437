/**
 * The FHIR gateway as one more supervised process of the local stack: detached, its log and pid file beside the
 * devnet nodes' (so `network logs`-style tooling and the SUT monitor find it), ready when `/readyz` answers 200 —
 * that is, when its ledger session reaches the peer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevnetHome } from '../network/node/devnet-home.js';
import { Supervisor } from '../network/supervisor.js';

export const GATEWAY_NODE = 'fhir-gateway';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const READY_DEADLINE_MS = 30_000;
/**
 * Ledger calls the stack's gateway runs at once (the gateway's own default, 256, suits a real network's peers).
 * Measured with the 10 → 2000 VU ramp on the 2-core devnet: at 256 the peer's queue grew until submits passed their
 * 5 s deadline and 1.8 % of requests failed with SUBMIT_FAILED (outcome unknown) or UNAVAILABLE; at 64 the same
 * throughput (8,646 vs 8,919 writes) with 0 failures, the waiting done in the gateway's bounded queue instead.
 */
const STACK_MAX_IN_FLIGHT = 64;

export interface GatewayLaunch {
  readonly home: string;
  readonly port: number;
  readonly connectionProfile: string;
  readonly credentialsStore: string;
  readonly logLevel: string;
  /**
   * Settings for this gateway only (e.g. `FHIRLEDGER_GATEWAY_SIGNING_KEY_PEM`, a secret that must never be a flag,
   * which `ps` shows), on top of this process's environment.
   */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

export interface GatewayRunning {
  readonly pid: number;
  readonly log: string;
  /** False when a gateway was already running and was left as it is. */
  readonly started: boolean;
}

export async function startGateway(launch: GatewayLaunch): Promise<GatewayRunning> {
  const home = new DevnetHome(launch.home);
  const supervisor = new Supervisor(home);
  const running = supervisor.runningPid(GATEWAY_NODE);
  if (running !== undefined) return { pid: running, log: home.logFile(GATEWAY_NODE), started: false };
  const node = await supervisor.start({
    name: GATEWAY_NODE,
    command: process.execPath,
    args: [
      CLI,
      'gateway',
      '--port',
      String(launch.port),
      '--connection-profile',
      launch.connectionProfile,
      '--credentials-store',
      launch.credentialsStore,
      '--log-level',
      launch.logLevel,
      // A flag beats the environment, so the stack's value applies only when the user set none.
      ...(process.env.FHIRLEDGER_GATEWAY_MAX_IN_FLIGHT === undefined
        ? ['--max-in-flight', String(STACK_MAX_IN_FLIGHT)]
        : []),
    ],
    // The key in the environment, not in argv: a command line is readable by every user of the machine. A key the
    // caller or the environment gives wins over the stack's own.
    env: {
      ...process.env,
      FHIRLEDGER_GATEWAY_SIGNING_KEY_PEM:
        process.env.FHIRLEDGER_GATEWAY_SIGNING_KEY_PEM ?? stackSigningKey(home.root),
      ...launch.extraEnv,
    },
    ports: [launch.port],
    readiness: { url: `http://127.0.0.1:${launch.port}/readyz`, deadlineMs: READY_DEADLINE_MS },
  });
  return { pid: node.pid, log: node.logFile, started: true };
}

/**
 * The stack gateway's token signing key, made once per stack (0600 in the gitignored home). Without it the gateway
 * makes a fresh key at every start, so a gateway restarted by its supervisor (or by `up` after a crash) refused every
 * token it had issued: clients got 401 until they logged in again, measured by `bench faults`' gateway kill.
 */
export function stackSigningKey(homeDir: string): string {
  const file = path.join(homeDir, 'gateway', 'token-signing-key.pem');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

/** Stops the stack's gateway (SIGTERM, so in-flight requests finish); true when one was running. */
export async function stopGateway(homeDir: string): Promise<boolean> {
  return new Supervisor(new DevnetHome(homeDir)).stop(GATEWAY_NODE, 12_000);
}

export function gatewayPid(homeDir: string): number | undefined {
  return new Supervisor(new DevnetHome(homeDir)).runningPid(GATEWAY_NODE);
}
