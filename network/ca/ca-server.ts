/**
 * The devnet CA's listeners: the Fabric CA REST API under /api/v1 (HTTPS with the org's TLS material, or HTTP) and
 * an operations server with GET /healthz, both on 127.0.0.1 by default. Routing and the response envelope only;
 * the CA logic is CaService.
 */
import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CaConfig } from './ca-config.js';
import { CaError, errorResponse, successResponse, unknownError } from './ca-errors.js';
import { CaService, type TokenRequest } from './ca-service.js';

export interface RunningCaServer {
  /** The API port actually bound (useful with port 0). */
  readonly port: number;
  /** The operations port actually bound, or null. */
  readonly operationsPort: number | null;
  readonly url: string;
  readonly service: CaService;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const API_PREFIX = '/api/v1/';

/** Starts the CA; resolves once both listeners are bound. */
export async function startCaServer(
  config: CaConfig,
  options: { logger?: Logger } = {},
): Promise<RunningCaServer> {
  const service = await CaService.open(config);
  const log = options.logger;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handleApi(service, req, res, log).catch((err: unknown) => {
      log?.error({ err }, 'CA request handler failed');
      if (!res.headersSent) sendJson(res, 500, errorResponse(unknownError(String(err))));
    });
  };
  const api: Server =
    config.tls === null
      ? createHttpServer(handler)
      : createHttpsServer(
          {
            cert: await readFile(config.tls.certFile, 'utf8'),
            key: await readFile(config.tls.keyFile, 'utf8'),
          },
          handler,
        );
  api.keepAliveTimeout = 30_000;
  const port = await listen(api, config.host, config.port);

  let operations: Server | null = null;
  let operationsPort: number | null = null;
  if (config.operationsPort !== null) {
    operations = createHttpServer((req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') sendJson(res, 200, { status: 'OK' });
      else sendText(res, 404, '404 page not found\n');
    });
    operationsPort = await listen(operations, config.host, config.operationsPort);
  }
  const scheme = config.tls === null ? 'http' : 'https';
  log?.info(
    { caName: config.caName, port, operationsPort, identities: service.identityCount() },
    'CA listening',
  );
  return {
    port,
    operationsPort,
    url: `${scheme}://${config.host}:${port}`,
    service,
    close: async () => {
      await Promise.all([closeServer(api), operations === null ? undefined : closeServer(operations)]);
      await service.close();
    },
  };
}

async function handleApi(
  service: CaService,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger | undefined,
): Promise<void> {
  const uri = req.url ?? '/';
  const path = uri.split('?')[0] ?? '/';
  if (!path.startsWith(API_PREFIX)) {
    sendText(res, 404, '404 page not found\n');
    return;
  }
  const endpoint = path.slice(API_PREFIX.length);
  const method = req.method ?? 'GET';
  try {
    const body = await readBody(req);
    const token: TokenRequest = { authorization: req.headers.authorization, method, uri, body };
    switch (endpoint) {
      case 'cainfo':
        allow(method, ['GET', 'POST']);
        sendJson(res, 200, successResponse(service.cainfo()));
        return;
      case 'enroll':
        allow(method, ['POST']);
        sendJson(
          res,
          201,
          successResponse(await service.enroll(basicAuth(req), body.length === 0 ? null : parseBody(body))),
        );
        return;
      case 'reenroll':
        allow(method, ['POST']);
        sendJson(res, 201, successResponse(await service.reenroll(token)));
        return;
      case 'register':
        allow(method, ['POST']);
        sendJson(res, 201, successResponse(await service.register(token)));
        return;
      case 'revoke':
        allow(method, ['POST']);
        sendJson(res, 200, successResponse(await service.revoke(token)));
        return;
      default:
        sendText(res, 404, '404 page not found\n');
    }
  } catch (err) {
    const caError = err instanceof CaError ? err : unknownError(String(err));
    log?.info(
      { endpoint, status: caError.httpStatus, code: caError.code, reason: caError.localMessage },
      'CA request refused',
    );
    sendJson(res, caError.httpStatus, errorResponse(caError));
  }
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method))
    throw new CaError('METHOD_NOT_ALLOWED', 405, `Method ${method} is not allowed`);
}

function basicAuth(req: IncomingMessage): { id: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new CaError(
      'AUTHENTICATION_FAILURE',
      401,
      'Authentication failure',
      'No user/pass in authorization header',
    );
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    throw new CaError(
      'AUTHENTICATION_FAILURE',
      401,
      'Authentication failure',
      'No user/pass in authorization header',
    );
  }
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new CaError('BAD_REQUEST_BODY', 400, `Invalid request body: ${String(err)}`);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new CaError('BAD_REQUEST_BODY', 413, 'Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
