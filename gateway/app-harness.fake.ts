/**
 * TEST ONLY: builds the gateway app over the in-memory ledger with a small credentials store, and helpers to get
 * tokens and send requests through inject().
 */
import type { LightMyRequestResponse } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { buildApp, type AppConfig, type GatewayApp, type GatewayDeps } from './app.js';
import { CredentialStore, type Principal } from './credential-store.js';
import { InMemoryEhrNetwork } from './chaincode-ledger.fake.js';
import { createGatewayLogger } from './logger.js';
import { hashSecret } from './password-hash.js';
import { TokenService, type ExternalIssuer } from './token-service.js';

export const BASE_URL = 'http://127.0.0.1:8080';
export const AUDIENCE = 'fhirledger-gateway';
const TEST_COST = { N: 1024, r: 8, p: 1, keyLength: 32 };

export const USERS = {
  provider: { id: 'dr.alice', secret: 'alice-pw', kind: 'user', role: 'provider' },
  patient: { id: 'pat.bob', secret: 'bob-pw', kind: 'user', role: 'patient', patientId: 'p-bob' },
  otherPatient: { id: 'pat.carol', secret: 'carol-pw', kind: 'user', role: 'patient', patientId: 'p-carol' },
  regulator: { id: 'reg.rita', secret: 'rita-pw', kind: 'user', role: 'regulator' },
  migrator: { id: 'migrator-1', secret: 'mig-secret', kind: 'client', role: 'migrator' },
} as const;
export type TestUser = keyof typeof USERS;

export interface Harness extends GatewayApp {
  network: InMemoryEhrNetwork;
  tokens: TokenService;
  ready: { ok: boolean };
  logLines: string[];
  token: (user: TestUser, scope?: string) => Promise<string>;
  /** POST /auth/token with a form body (`grant_type=…&…`), unchecked: the tests of refusals read the response. */
  tokenRequest: (form: string) => Promise<LightMyRequestResponse>;
  send: (options: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    user?: TestUser;
    token?: string;
    body?: unknown;
    payload?: string;
    contentType?: string;
    headers?: Record<string, string>;
  }) => Promise<LightMyRequestResponse>;
}

let principalsCache: Promise<Principal[]> | undefined;

function principals(): Promise<Principal[]> {
  principalsCache ??= Promise.all(
    Object.values(USERS).map(async (user) => ({
      id: user.id,
      kind: user.kind,
      role: user.role,
      ...('patientId' in user ? { patientId: user.patientId } : {}),
      secret: await hashSecret(user.secret, TEST_COST),
      fabricIdentity: {
        mspId: 'Org1MSP',
        certificatePath: `/ids/${user.id}/cert.pem`,
        privateKeyPath: `/ids/${user.id}/key.pem`,
      },
    })),
  );
  return principalsCache;
}

export async function createHarness(
  overrides: Partial<AppConfig> = {},
  options: {
    external?: ExternalIssuer;
    extraPrincipals?: Principal[];
    logLevel?: string;
    passwordChecks?: GatewayDeps['passwordChecks'];
  } = {},
): Promise<Harness> {
  const network = new InMemoryEhrNetwork();
  const tokens = await TokenService.create({
    issuer: BASE_URL,
    audience: AUDIENCE,
    ttlSeconds: 300,
    ...(options.external ? { external: options.external } : {}),
  });
  const ready = { ok: true };
  const logLines: string[] = [];
  const sink: DestinationStream = {
    write(chunk: string | Uint8Array) {
      logLines.push(String(chunk));
      return true;
    },
  };
  const logger: Logger = createGatewayLogger(options.logLevel ?? 'info', sink);
  const config: AppConfig = {
    publicUrl: BASE_URL,
    maxInFlight: 8,
    maxQueued: 16,
    requestTimeoutMs: 2000,
    headersTimeoutMs: 10_000,
    receiveTimeoutMs: 30_000,
    bodyLimitBytes: 64 * 1024,
    mvccRetryAttempts: 3,
    ...overrides,
  };
  const deps: GatewayDeps = {
    config,
    ledgerForUser: (user) => network.forUser(user),
    readinessProbe: () => (ready.ok ? Promise.resolve() : Promise.reject(new Error('peer down'))),
    credentials: new CredentialStore([...(await principals()), ...(options.extraPrincipals ?? [])]),
    tokens,
    logger,
    random: () => 0.5,
    ...(options.passwordChecks ? { passwordChecks: options.passwordChecks } : {}),
  };
  const built = buildApp(deps);
  const tokenCache = new Map<string, string>();
  const harness: Harness = {
    ...built,
    network,
    tokens,
    ready,
    logLines,
    async token(user, scope) {
      const key = `${user} ${scope ?? ''}`;
      const cached = tokenCache.get(key);
      if (cached !== undefined) return cached;
      const entry = USERS[user];
      const fields: Record<string, string> =
        entry.kind === 'user'
          ? { grant_type: 'password', username: entry.id, password: entry.secret }
          : { grant_type: 'client_credentials', client_id: entry.id, client_secret: entry.secret };
      if (scope !== undefined) fields.scope = scope;
      const response = await harness.tokenRequest(new URLSearchParams(fields).toString());
      if (response.statusCode !== 200)
        throw new Error(`token for ${user}: ${response.statusCode} ${response.body}`);
      const token = response.json<{ access_token: string }>().access_token;
      tokenCache.set(key, token);
      return token;
    },
    tokenRequest(form) {
      return built.app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form,
      });
    },
    async send(request) {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      const token = request.token ?? (request.user ? await harness.token(request.user) : undefined);
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      let payload = request.payload;
      if (request.body !== undefined) payload = JSON.stringify(request.body);
      if (payload !== undefined) headers['content-type'] = request.contentType ?? 'application/fhir+json';
      return built.app.inject({
        method: request.method,
        url: request.url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
      });
    },
  };
  return harness;
}

export function outcomeCode(response: LightMyRequestResponse): string | undefined {
  const body = response.json<{
    resourceType?: string;
    issue?: { details?: { coding?: { code?: string }[] } }[];
  }>();
  if (body.resourceType !== 'OperationOutcome') return undefined;
  return body.issue?.[0]?.details?.coding?.[0]?.code;
}
