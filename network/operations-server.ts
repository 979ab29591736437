/**
 * A node's operations endpoint, shaped like Fabric's (core/operations): GET /healthz → {"status":"OK"} (503 with the
 * failed checks otherwise), GET /metrics in Prometheus text format, plus the devnet's own admin routes. Plain HTTP on
 * 127.0.0.1, as Fabric's operations listener without TLS.
 */
import http from 'node:http';

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

export interface OperationsOptions {
  /** The Prometheus text exposition. */
  readonly metrics: () => string;
  /** Components that are not OK, as Fabric's healthz lists them; empty when healthy. */
  readonly failedChecks?: () => readonly { component: string; reason: string }[];
  /** 'METHOD /path' → handler of the parsed JSON body. */
  readonly routes?: Readonly<Record<string, (body: unknown) => RouteResult | Promise<RouteResult>>>;
}

export interface OperationsServer {
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startOperationsServer(
  address: { readonly host?: string; readonly port: number },
  options: OperationsOptions,
): Promise<OperationsServer> {
  const server = http.createServer((request, response) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (request.url ?? '').split('?')[0] ?? '';
    const route = `${request.method ?? ''} ${path}`;
    if ((path === '/healthz' || path === '/metrics') && request.method !== 'GET') {
      send(405, { error: 'method not allowed' });
      return;
    }
    if (route === 'GET /healthz') {
      const failedChecks = options.failedChecks?.() ?? [];
      if (failedChecks.length === 0) send(200, { status: 'OK', time: new Date().toISOString() });
      else send(503, { status: 'Service Unavailable', time: new Date().toISOString(), failed_checks: failedChecks });
      return;
    }
    if (route === 'GET /metrics') {
      send(200, options.metrics(), 'text/plain; version=0.0.4');
      return;
    }
    const handler = options.routes?.[route];
    if (handler === undefined) {
      send(404, { error: `no route ${route}` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      void (async () => {
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          const result = await handler(text === '' ? undefined : (JSON.parse(text) as unknown));
          send(result.status, result.body);
        } catch (error) {
          send(400, { error: error instanceof Error ? error.message : String(error) });
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound !== null ? bound.port : address.port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
