/**
 * buildApp(deps): the gateway as a fastify instance, without listening, so tests drive it through inject().
 * Hooks give every request an id, a deadline and (on FHIR routes) an authenticated user with their own ledger;
 * one error handler turns every failure into an OperationOutcome with the status of its failure class.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { LedgerAdmission } from './admission.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerBodyParsers, requireMediaType } from './body-parsing.js';
import { capabilityStatement } from './capability.js';
import { answerClientError } from './client-errors.js';
import type { GatewayConfig } from './config.js';
import type { CredentialStore } from './credential-store.js';
import {
  describeFailure,
  GatewayErrorCode,
  LedgerUnreachableError,
  NotFoundError,
  operationOutcome,
  type FailureDescription,
} from './failure.js';
import { defaultNewId, FHIR_ROUTES, type RouteEnv } from './fhir-routes.js';
import { LedgerCaller, type LedgerForUser } from './ledger-access.js';
import { GatewayMetrics } from './metrics.js';
import { RequestAuthenticator, type ActingUser } from './request-auth.js';
import type { TokenService } from './token-service.js';

/** Logins waiting for a password check before the gateway answers 503: about 3 s of scrypt work on 2 cores. */
const PASSWORD_CHECKS_QUEUED = 128;

export const GATEWAY_VERSION = '0.1.0';

declare module 'fastify' {
  interface FastifyRequest {
    /** Epoch ms by which ledger work for this request must finish. */
    deadlineAt: number;
    startedAt: bigint;
    actingUser: ActingUser | undefined;
  }
}

export type AppConfig = Pick<
  GatewayConfig,
  | 'publicUrl'
  | 'maxInFlight'
  | 'maxQueued'
  | 'requestTimeoutMs'
  | 'headersTimeoutMs'
  | 'receiveTimeoutMs'
  | 'bodyLimitBytes'
  | 'mvccRetryAttempts'
>;

export interface GatewayDeps {
  config: AppConfig;
  ledgerForUser: LedgerForUser;
  /** Resolves when the ledger answers; /readyz calls it with the request deadline. */
  readinessProbe: () => Promise<void>;
  credentials: CredentialStore;
  tokens: TokenService;
  logger?: Logger;
  /** Server-assigned ids for POST (default: random UUID). */
  newId?: () => string;
  /** Jitter source for MVCC retries (tests pin it). */
  random?: () => number;
  /** Concurrent password checks and logins waiting for one (default: one per core, 128 waiting). */
  passwordChecks?: { maxInFlight: number; maxQueued: number };
}

export interface GatewayApp {
  app: FastifyInstance;
  metrics: GatewayMetrics;
  admission: LedgerAdmission;
}

const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function buildApp(deps: GatewayDeps): GatewayApp {
  const { config } = deps;
  const app = fastify({
    bodyLimit: config.bodyLimitBytes,
    // Slow clients (slowloris headers, a trickled body) get 408 and a closed socket once these pass; Node checks
    // them every connectionsCheckingInterval (30 s by default, far too coarse for a 10 s headers limit).
    requestTimeout: config.receiveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.receiveTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    clientErrorHandler: answerClientError,
    // Bad percent-escapes and over-long path segments are refused by the router before any route runs; fastify's
    // own answer for them is a non-FHIR body that echoes the path (a patient id), so they go through sendFailure.
    frameworkErrors: (error, request, reply) => {
      void sendFailure(request, reply, describeFailure(error), error);
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Fastify's own per-request lines log URLs (patient ids); onResponse writes a PHI-free line instead.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  const admission = new LedgerAdmission({
    maxInFlight: config.maxInFlight,
    maxQueued: config.maxQueued,
    retryAfterSeconds: 1,
  });
  const metrics = new GatewayMetrics(admission);
  const caller = new LedgerCaller(
    admission,
    metrics,
    { maxAttempts: config.mvccRetryAttempts, baseDelayMs: 25, maxDelayMs: 1_000 },
    deps.random,
  );
  const authenticator = new RequestAuthenticator(deps.tokens, deps.credentials, deps.ledgerForUser);
  const env: RouteEnv = { caller, baseUrl: config.publicUrl, newId: deps.newId ?? defaultNewId };

  registerBodyParsers(app);
  app.decorateRequest('deadlineAt', 0);
  app.decorateRequest('startedAt', 0n);
  app.decorateRequest('actingUser', undefined);

  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = process.hrtime.bigint();
    request.deadlineAt = Date.now() + config.requestTimeoutMs;
    reply.header('x-request-id', request.id);
    return Promise.resolve();
  });

  // During shutdown, answers close their connection so keep-alive sockets do not hold the server open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    return Promise.resolve();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return Promise.resolve(payload);
  });

  app.addHook('onResponse', async (request, reply) => {
    const seconds = Number(process.hrtime.bigint() - request.startedAt) / 1e9;
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, seconds);
    // Route template, never the URL: paths and queries carry patient ids.
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(seconds * 10000) / 10,
        role: request.actingUser?.ledgerUser.role,
      },
      'request',
    );
    return Promise.resolve();
  });

  app.setErrorHandler((error, request, reply) => sendFailure(request, reply, describeFailure(error), error));
  app.setNotFoundHandler((request, reply) =>
    sendFailure(
      request,
      reply,
      describeFailure(new NotFoundError(GatewayErrorCode.ROUTE_NOT_FOUND, 'no such route on this server')),
      undefined,
    ),
  );

  registerOperations(app, deps, metrics);
  registerAuthRoutes(app, {
    tokens: deps.tokens,
    credentials: deps.credentials,
    baseUrl: config.publicUrl,
    passwordChecks: new LedgerAdmission({
      // One scrypt per core keeps logins from starving the ledger work on the same machine; the queue absorbs a
      // burst of a few seconds' worth, and beyond it clients are told to come back (503 + Retry-After).
      maxInFlight: deps.passwordChecks?.maxInFlight ?? Math.max(1, os.availableParallelism()),
      maxQueued: deps.passwordChecks?.maxQueued ?? PASSWORD_CHECKS_QUEUED,
      retryAfterSeconds: 1,
      work: 'password checks',
    }),
  });

  app.get('/fhir/metadata', async (_request, reply) => {
    reply.type(FHIR_CONTENT_TYPE);
    return Promise.resolve(capabilityStatement(FHIR_ROUTES, config.publicUrl, GATEWAY_VERSION));
  });
  for (const route of FHIR_ROUTES) {
    if (route.interaction === 'capabilities') continue;
    app.route({
      method: route.method,
      url: route.url,
      onRequest: async (request) => {
        request.actingUser = await authenticator.authenticate(request);
      },
      preValidation: async (request) => {
        if (route.bodyTypes) requireMediaType(request, route.bodyTypes);
        return Promise.resolve();
      },
      handler: async (request, reply) => {
        const body = await route.handler({ request, reply, user: request.actingUser, env });
        reply.type(FHIR_CONTENT_TYPE);
        return body;
      },
    });
  }
  return { app, metrics, admission };
}

function sendFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  failure: FailureDescription,
  error: unknown,
): FastifyReply {
  if (failure.status >= 500) {
    // Name, code and stack frames only: error messages can quote record content.
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 8).join('\n') : undefined;
    request.log.error(
      {
        failure: failure.failure,
        code: failure.code,
        errName: (error as Error | undefined)?.name,
        stack,
      },
      'request failed',
    );
  }
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  const challenge = bearerChallenge(failure.code);
  if (challenge !== undefined) reply.header('www-authenticate', challenge);
  return reply.code(failure.status).type(FHIR_CONTENT_TYPE).send(operationOutcome(failure));
}

/**
 * RFC 6750 §3: no error code when the request carried no credentials, `invalid_token` for a token that failed,
 * `insufficient_scope` (with 403) when the token is fine but does not cover the call.
 */
function bearerChallenge(code: string): string | undefined {
  const realm = 'Bearer realm="fhirledger"';
  switch (code) {
    case GatewayErrorCode.UNAUTHENTICATED:
    case GatewayErrorCode.INVALID_GRANT:
      return realm;
    case GatewayErrorCode.INVALID_TOKEN:
      return `${realm}, error="invalid_token"`;
    case GatewayErrorCode.INSUFFICIENT_SCOPE:
      return `${realm}, error="insufficient_scope"`;
    default:
      return undefined;
  }
}

function registerOperations(app: FastifyInstance, deps: GatewayDeps, metrics: GatewayMetrics): void {
  app.get('/healthz', async () => Promise.resolve({ status: 'ok' }));
  app.get('/readyz', async (request) => {
    try {
      await Promise.race([
        deps.readinessProbe(),
        new Promise<never>((_resolve, reject) =>
          setTimeout(
            () => {
              reject(new Error('readiness probe timed out'));
            },
            Math.max(0, request.deadlineAt - Date.now()),
          ).unref(),
        ),
      ]);
    } catch (error) {
      throw new LedgerUnreachableError(GatewayErrorCode.LEDGER_UNAVAILABLE, 'the ledger is not reachable', {
        cause: error,
        retryAfterSeconds: 5,
      });
    }
    return { status: 'ready' };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return Promise.resolve(metrics.render());
  });
}
