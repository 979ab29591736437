/**
 * The orderer's operations endpoint (Fabric's Operations.ListenAddress, 9443 in the dev profile): GET /healthz
 * answers {"status":"OK","time":…} or 503 with failed_checks as Fabric's healthz handler does, and GET /metrics
 * serves the Prometheus text. Plain HTTP, like Fabric's default (Operations.TLS.Enabled false).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrdererMetrics } from './metrics.js';

export interface OperationsDeps {
  readonly metrics: OrdererMetrics;
  readonly failedChecks: () => readonly { component: string; reason: string }[];
}

export interface OperationsServer {
  readonly port: number;
  close(): Promise<void>;
}

export function createOperationsServer(deps: OperationsDeps): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      const failed = deps.failedChecks();
      const time = new Date().toISOString();
      const body =
        failed.length === 0
          ? { status: 'OK', time }
          : { status: 'Service Unavailable', time, failed_checks: failed };
      response
        .writeHead(failed.length === 0 ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
      return;
    }
    if (path === '/metrics') {
      response
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(deps.metrics.render());
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
}

export async function startOperationsServer(
  deps: OperationsDeps,
  port: number,
  host = '127.0.0.1',
): Promise<OperationsServer> {
  const server = createOperationsServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
