/**
 * The live stack the auth cases attack: `fhirledger up`'s own code (fabric-devnet, users enrolled from its CA with
 * role/patientId certificate attributes, the FHIR gateway as a supervised process), the attacked records written
 * by a provider through the gateway, and the handles a case needs: HTTP, logins, the gateway's log file, the peer's
 * ledger height and the seeded users' own Fabric identities.
 *
 * Two departures from a plain `up`, both for observation only: the gateway logs at `trace` (the PHI check reads
 * the most a log can ever hold) and signs with a key this process knows (given through the environment, as an
 * operator would), so an expired or foreign-audience token can be made with the real key and refused for exactly
 * the one property under test.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { removePrincipal, readStoreFile } from '../../gateway/credential-store.js';
import { loadConnectionProfile, readIdentityCredentials } from '../../ledger-client/connection-profile.js';
import type { PeerEndpoint, UserCredentials } from '../../ledger-client/connection.js';
import { DevnetHome } from '../../network/node/devnet-home.js';
import { networkStatus } from '../../network/node/network-status.js';
import { startGateway, stopGateway } from '../../stack/gateway-process.js';
import { stackDown } from '../../stack/stack-down.js';
import { readStackPassword, type StackDescription } from '../../stack/stack-file.js';
import { stackUp } from '../../stack/stack-up.js';
import type { FaultContext } from './fault-case.js';
import { authFixtures, AUTH_USERS, type AuthFixtures } from './auth-fixtures.js';

/** Every HTTP call of a case has this deadline: a hang is a finding, not a stuck bench. */
const HTTP_DEADLINE_MS = 30_000;
const GATEWAY_LOG_LEVEL = 'trace';

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Headers;
}

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/fhir/Patient/patient-1`; sent exactly as written. */
  path: string;
  token?: string;
  /** Raw Authorization header, for schemes other than one bearer token. */
  authorization?: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface AuthStack {
  readonly home: string;
  readonly description: StackDescription;
  readonly fixtures: AuthFixtures;
  /** The gateway's ES256 signing key (PKCS#8 PEM): the real key, for tokens that differ in one claim only. */
  readonly signingKeyPem: string;
  readonly gatewayLog: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly peer: PeerEndpoint;
  send(request: HttpRequest): Promise<HttpAnswer>;
  login(user: string): Promise<string>;
  /** Blocks on the peer (ledger_blockchain_height); unchanged across an attack means nothing was written. */
  ledgerHeight(): Promise<number>;
  /** A seeded user's own Fabric identity (certificate with the CA's role/patientId attributes, private key). */
  fabricIdentity(user: string): Promise<UserCredentials>;
  /** Removes a user from the credentials store and restarts the gateway (it reads the store once, at start). */
  revoke(user: string): Promise<void>;
}

/** Where a case's stack lives inside its scratch folder. */
export function authStackHome(workDir: string): string {
  return path.join(workDir, 'stack');
}

export async function startAuthStack(context: FaultContext): Promise<AuthStack> {
  const home = authStackHome(context.workDir);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signingKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const gatewayEnv = { FHIRLEDGER_GATEWAY_SIGNING_KEY_PEM: signingKeyPem };
  context.log(`auth: bringing up the stack at port offset ${context.portOffset} in ${home}`);
  const description = await upWithPortRetries(context, home, gatewayEnv);
  const profile = loadConnectionProfile(description.connectionProfile);
  const [peer] = profile.peers;
  if (peer === undefined) throw new Error(`${description.connectionProfile} names no peer`);
  const password = readStackPassword(description);
  const fixtures = authFixtures(randomBytes(5).toString('hex'));

  const send = async (request: HttpRequest): Promise<HttpAnswer> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/fhir+json';
    }
    const response = await fetch(`${description.gatewayUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(HTTP_DEADLINE_MS),
    });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };

  const login = async (user: string): Promise<string> => {
    const answer = await send({
      method: 'POST',
      path: '/auth/token',
      body: new URLSearchParams({ grant_type: 'password', username: user, password }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    if (answer.status !== 200) throw new Error(`login of ${user} answered ${answer.status}: ${answer.body}`);
    return (JSON.parse(answer.body) as { access_token: string }).access_token;
  };

  const stack: AuthStack = {
    home,
    description,
    fixtures,
    signingKeyPem,
    gatewayLog: new DevnetHome(home).logFile('fhir-gateway'),
    channel: profile.channel,
    chaincode: profile.chaincode,
    peer,
    send,
    login,
    ledgerHeight: async () => {
      const status = await networkStatus(home);
      const height = status.nodes.find((node) => node.role === 'peer')?.ledgerHeight;
      if (typeof height !== 'number') throw new Error('the peer reports no ledger height (is it down?)');
      return height;
    },
    fabricIdentity: async (user) => {
      const store = await readStoreFile(description.credentialsStore);
      const principal = store.principals.find((entry) => entry.id === user);
      if (principal === undefined) throw new Error(`${user} is not in ${description.credentialsStore}`);
      return readIdentityCredentials(principal.fabricIdentity);
    },
    revoke: async (user) => {
      if (!(await removePrincipal(description.credentialsStore, user))) {
        throw new Error(`${user} was not in the credentials store`);
      }
      await stopGateway(home);
      await startGateway({
        home,
        port: description.gatewayPort,
        connectionProfile: description.connectionProfile,
        credentialsStore: description.credentialsStore,
        logLevel: GATEWAY_LOG_LEVEL,
        extraEnv: gatewayEnv,
      });
    },
  };
  await seedRecords(stack);
  return stack;
}

/**
 * Offset ports sit in Linux's ephemeral range: on a shared machine another process's load can hold one of them
 * as the local end of its outgoing connections for longer than the supervisor's own retries (≈ 6 s) — seen here
 * while another engineer's k6 run held 127.0.0.1:34050. The whole `up` is tried again a bounded number of times.
 */
const UP_ATTEMPTS = 3;
const UP_RETRY_WAIT_MS = 20_000;

async function upWithPortRetries(
  context: FaultContext,
  home: string,
  gatewayEnv: Record<string, string>,
): Promise<StackDescription> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { stack } = await stackUp({
        home,
        portOffset: context.portOffset,
        profile: undefined,
        users: { providers: 1, patients: 3, regulators: 1 },
        gatewayLogLevel: GATEWAY_LOG_LEVEL,
        gatewayEnv,
      });
      return stack;
    } catch (error) {
      const portTaken = error instanceof Error && /already listening on/.test(error.message);
      if (!portTaken || attempt >= UP_ATTEMPTS) throw error;
      context.log(
        `auth: ${error.message.slice(0, 120)}; down, then up again in ${UP_RETRY_WAIT_MS / 1000} s`,
      );
      await stackDown(home, true);
      await new Promise((resolve) => setTimeout(resolve, UP_RETRY_WAIT_MS));
    }
  }
}

/** A provider writes the attacked records through the gateway, and moves one record from victim to attacker. */
async function seedRecords(stack: AuthStack): Promise<void> {
  const token = await stack.login(AUTH_USERS.provider);
  const put = async (resource: { resourceType: string; id?: string }, ifMatch?: string): Promise<void> => {
    const answer = await stack.send({
      method: 'PUT',
      path: `/fhir/${resource.resourceType}/${resource.id ?? ''}`,
      token,
      body: resource,
      ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
    });
    if (answer.status !== 200 && answer.status !== 201) {
      throw new Error(`seeding ${resource.resourceType} answered ${answer.status}: ${answer.body}`);
    }
  };
  for (const record of stack.fixtures.records) await put(record);
  await put(stack.fixtures.moved.first);
  await put(stack.fixtures.moved.second, 'W/"1"');
}

export async function stopAuthStack(stack: { home: string }): Promise<void> {
  await stackDown(stack.home, true);
}

/** Brings a stack up for one case, runs it, and always takes the stack down (also when the case throws). */
export async function withAuthStack<T>(
  context: FaultContext,
  body: (stack: AuthStack) => Promise<T>,
): Promise<T> {
  try {
    return await body(await startAuthStack(context));
  } finally {
    context.log('auth: taking the stack down');
    await stackDown(authStackHome(context.workDir), true);
  }
}

/** The logs a case's verdict and record read: the gateway's, and every devnet node's. */
export function observedLogs(stack: Pick<AuthStack, 'home' | 'gatewayLog'>): {
  gateway: string;
  devnet: Record<string, string>;
} {
  return { gateway: readGatewayLog(stack), devnet: readDevnetLogs(stack) };
}

/** The whole gateway log as written so far (every line since the stack's first start). */
export function readGatewayLog(stack: Pick<AuthStack, 'gatewayLog'>): string {
  return readFileSync(stack.gatewayLog, 'utf8');
}

/** Every other node's log (orderer, peer, CA, chaincode server), by file name: reported, not part of the verdict. */
export function readDevnetLogs(stack: Pick<AuthStack, 'home' | 'gatewayLog'>): Record<string, string> {
  const dir = new DevnetHome(stack.home).logsDir;
  const logs: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.endsWith('.log') && file !== stack.gatewayLog) logs[name] = readFileSync(file, 'utf8');
  }
  return logs;
}
