/**
 * The gateway's HTTP API as the VUs use it. Every request carries an `op` tag (the report and the per-operation
 * SLOs group by it) and a fixed `name` tag, so URLs holding record ids do not create one time series per id.
 */
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { check } from 'k6';
import type { LoadConfig } from './config.ts';
import { recordAcknowledgedWrite, recordFabricPhases, recordFailure, versionOfEtag } from './metrics.ts';

const FHIR_JSON = 'application/fhir+json';

export interface Token {
  accessToken: string;
  /** Epoch ms after which the VU logs in again. */
  renewAfterMs: number;
}

export interface VersionedRecord {
  id: string;
  etag: string;
  resource: Record<string, unknown>;
}

type Response = RefinedResponse<ResponseType | undefined>;

function jsonBody(response: Response): Record<string, unknown> | undefined {
  if (typeof response.body !== 'string' || response.body === '') return undefined;
  try {
    const value: unknown = JSON.parse(response.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch (error) {
    // A non-JSON body fails the request's body check; the parse error itself adds nothing to the report.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function fhirHeaders(token: Token, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${token.accessToken}`,
    Accept: FHIR_JSON,
    'Content-Type': FHIR_JSON,
    ...extra,
  };
}

/** `Location: /fhir/Patient/123/_history/1` (or an absolute URL) → `123`. */
export function idFromLocation(location: string | undefined, type: string): string | undefined {
  if (location === undefined) return undefined;
  const match = new RegExp(`/${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?/?$`).exec(location);
  return match?.[1];
}

export function login(config: LoadConfig, username: string): Token | undefined {
  const response = http.post(
    `${config.baseUrl}/auth/token`,
    JSON.stringify({ grant_type: 'password', username, password: config.password }),
    {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      tags: { op: 'login', name: 'POST /auth/token' },
      timeout: config.requestTimeout,
    },
  );
  const body = jsonBody(response);
  recordFailure(response.status, body, 'login');
  const accessToken = body?.access_token;
  const ok = check(
    response,
    {
      'login: status 200': (r) => r.status === 200,
      'login: has access_token': () => typeof accessToken === 'string' && accessToken !== '',
    },
    { op: 'login' },
  );
  if (!ok || typeof accessToken !== 'string') return undefined;
  const expiresIn = typeof body?.expires_in === 'number' ? body.expires_in : 300;
  // Renew a little early so a token never expires between the check and the request.
  return { accessToken, renewAfterMs: Date.now() + Math.max(expiresIn - 30, 1) * 1000 };
}

export function createRecord(
  config: LoadConfig,
  token: Token,
  resource: Record<string, unknown> & { resourceType: string },
  op = 'create',
): VersionedRecord | undefined {
  const type = resource.resourceType;
  const tags = { op, name: `POST /fhir/${type}` };
  const response = http.post(`${config.baseUrl}/fhir/${type}`, JSON.stringify(resource), {
    headers: fhirHeaders(token),
    tags,
    timeout: config.requestTimeout,
  });
  const body = jsonBody(response);
  recordFailure(response.status, body, op);
  const location = response.headers.Location;
  const id = typeof body?.id === 'string' ? body.id : idFromLocation(location, type);
  const etag = response.headers.Etag ?? '';
  const ok = check(
    response,
    {
      [`${op}: status 201`]: (r) => r.status === 201,
      [`${op}: Location names the new record`]: () =>
        id !== undefined && location !== undefined && location.includes(id),
      [`${op}: ETag is version 1`]: () => etag === 'W/"1"',
      [`${op}: body is the ${type}`]: () => body?.resourceType === type,
    },
    { op },
  );
  recordFabricPhases(response.headers['Server-Timing'], { op });
  // A 2xx with an id is an acknowledgement the ledger must honour, whatever the softer checks said.
  if (response.status >= 200 && response.status < 300 && id !== undefined) {
    recordAcknowledgedWrite(`${type}/${id}`, versionOfEtag(etag), { op });
  }
  return ok && id !== undefined && body !== undefined ? { id, etag, resource: body } : undefined;
}

export function readRecord(
  config: LoadConfig,
  token: Token,
  type: string,
  id: string,
  op = 'retrieve',
): VersionedRecord | undefined {
  const response = http.get(`${config.baseUrl}/fhir/${type}/${id}`, {
    headers: fhirHeaders(token),
    tags: { op, name: `GET /fhir/${type}/{id}` },
    timeout: config.requestTimeout,
  });
  const body = jsonBody(response);
  recordFailure(response.status, body, op);
  const etag = response.headers.Etag ?? '';
  const ok = check(
    response,
    {
      [`${op}: status 200`]: (r) => r.status === 200,
      [`${op}: body is the requested ${type}`]: () => body?.resourceType === type && body.id === id,
      [`${op}: has an ETag`]: () => etag.startsWith('W/"'),
    },
    { op },
  );
  return ok && body !== undefined ? { id, etag, resource: body } : undefined;
}

export function updateRecord(
  config: LoadConfig,
  token: Token,
  current: VersionedRecord,
  changed: Record<string, unknown> & { resourceType: string },
  op = 'modify',
): VersionedRecord | undefined {
  const type = changed.resourceType;
  const response = http.put(`${config.baseUrl}/fhir/${type}/${current.id}`, JSON.stringify(changed), {
    headers: fhirHeaders(token, { 'If-Match': current.etag }),
    tags: { op, name: `PUT /fhir/${type}/{id}` },
    timeout: config.requestTimeout,
  });
  const body = jsonBody(response);
  recordFailure(response.status, body, op);
  const etag = response.headers.Etag ?? '';
  const ok = check(
    response,
    {
      [`${op}: status 200`]: (r) => r.status === 200,
      [`${op}: ETag moved past the one matched`]: () => etag.startsWith('W/"') && etag !== current.etag,
    },
    { op },
  );
  recordFabricPhases(response.headers['Server-Timing'], { op });
  if (response.status >= 200 && response.status < 300) {
    recordAcknowledgedWrite(`${type}/${current.id}`, versionOfEtag(etag), { op });
  }
  return ok && body !== undefined ? { id: current.id, etag, resource: body } : undefined;
}

/** setup(): stop at once, with the reason, when the target is not there; a load run against nothing is noise. */
export function requireHealthyGateway(config: LoadConfig): void {
  let response: Response;
  try {
    response = http.get(`${config.baseUrl}/healthz`, {
      tags: { op: 'healthz', name: 'GET /healthz' },
      timeout: '5s',
    });
  } catch (error) {
    throw new Error(`gateway at ${config.baseUrl} is not reachable: ${String(error)}`);
  }
  if (response.status !== 200) {
    const reason = response.error === '' ? `HTTP ${response.status}` : response.error;
    throw new Error(
      `gateway at ${config.baseUrl}/healthz is not healthy (${reason}); start it or set BASE_URL`,
    );
  }
  if (config.password === '') {
    throw new Error('LOAD_PASSWORD is not set; the VUs cannot log in');
  }
}
