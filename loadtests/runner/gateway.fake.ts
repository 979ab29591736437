/**
 * TEST ONLY: a tiny HTTP server on 127.0.0.1 that speaks the subset of the gateway API the load suite uses
 * (/healthz, /auth/token, POST/GET/PUT /fhir/{type}[/{id}]), so tests can drive REAL k6 and the runner end to
 * end while no Fabric network exists. It is never used by anything a user runs.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGatewayOptions {
  password: string;
  /** Every /fhir request answers 500 with an OperationOutcome. */
  failFhirRequests?: boolean;
  /** Added to every /fhir request, to push latency past an SLO. */
  delayMs?: number;
  /** Acknowledge every create but keep only the ones whose sequence number is not a multiple of this. */
  forgetEveryNthCreate?: number;
}

export interface FakeGateway {
  baseUrl: string;
  /** `Patient/<id>` → stored resource. */
  records: Map<string, { version: number; resource: Record<string, unknown> }>;
  createsAcknowledged: number;
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json';

function outcome(status: number, code: string, diagnostics: string): [number, Record<string, unknown>] {
  return [status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }];
}

export async function startFakeGateway(options: FakeGatewayOptions): Promise<FakeGateway> {
  const tokens = new Set<string>();
  const state: FakeGateway = {
    baseUrl: '',
    records: new Map(),
    createsAcknowledged: 0,
    close: () => Promise.resolve(),
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'Content-Type': FHIR_JSON, ...headers });
        response.end(JSON.stringify(payload));
      };
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/healthz') {
        send(200, { status: 'ok' });
        return;
      }
      if (url.pathname === '/auth/token' && request.method === 'POST') {
        const grant = JSON.parse(body) as { grant_type?: string; password?: string };
        if (grant.grant_type !== 'password' || grant.password !== options.password) {
          send(401, { error: 'invalid_grant' });
          return;
        }
        const token = randomUUID();
        tokens.add(token);
        send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
        return;
      }
      const answer = (): void => {
        const [status, payload, headers] = handleFhir(request, url, body);
        send(status, payload, headers);
      };
      if (options.delayMs !== undefined) setTimeout(answer, options.delayMs);
      else answer();
    });
  });

  function handleFhir(
    request: http.IncomingMessage,
    url: URL,
    body: string,
  ): [number, unknown, Record<string, string>?] {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !tokens.has(token))
      return outcome(401, 'login', 'missing or unknown bearer token');
    if (options.failFhirRequests === true)
      return outcome(500, 'exception', 'the test gateway was told to fail');
    const match = /^\/fhir\/([A-Za-z]+)(?:\/([A-Za-z0-9\-.]+))?$/.exec(url.pathname);
    if (match === null) return outcome(404, 'not-found', `no route ${url.pathname}`);
    const [, type = '', id] = match;
    const timing = {
      'Server-Timing': 'endorse;dur=2.5, submit;dur=1.5, commit;dur=10.0',
      'X-Fabric-Tx-Id': randomUUID(),
    };
    if (request.method === 'POST' && id === undefined) {
      const resource = JSON.parse(body) as Record<string, unknown>;
      const newId = randomUUID();
      const stored = { ...resource, id: newId, meta: { versionId: '1' } };
      state.createsAcknowledged += 1;
      const forget = options.forgetEveryNthCreate;
      if (forget === undefined || state.createsAcknowledged % forget !== 0) {
        state.records.set(`${type}/${newId}`, { version: 1, resource: stored });
      }
      return [201, stored, { ...timing, Location: `/fhir/${type}/${newId}/_history/1`, ETag: 'W/"1"' }];
    }
    const key = `${type}/${id ?? ''}`;
    const record = state.records.get(key);
    if (request.method === 'GET' && id !== undefined) {
      if (record === undefined) return outcome(404, 'not-found', `${key} is not on the ledger`);
      return [200, record.resource, { ETag: `W/"${record.version}"` }];
    }
    if (request.method === 'PUT' && id !== undefined) {
      if (record === undefined) return outcome(404, 'not-found', `${key} is not on the ledger`);
      if (request.headers['if-match'] !== `W/"${record.version}"`) {
        return outcome(412, 'conflict', `If-Match does not name version ${record.version}`);
      }
      record.version += 1;
      record.resource = {
        ...(JSON.parse(body) as Record<string, unknown>),
        id,
        meta: { versionId: String(record.version) },
      };
      return [200, record.resource, { ...timing, ETag: `W/"${record.version}"` }];
    }
    return outcome(405, 'not-supported', `${request.method ?? ''} ${url.pathname}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
    });
  return state;
}
