import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readBundle } from './bundle-source.js';
import { readFhirServer, type FhirServerOptions } from './fhir-server-source.js';
import { resolveInputs } from './input-paths.js';
import { readNdjson } from './ndjson-source.js';
import type { SourceRecord } from '../../core/source-record.js';

async function collect(records: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

const patient = (id: string) => ({ resourceType: 'Patient', id });

describe('file sources', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-sources-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads gzip NDJSON with 1-based lines, skipping blank lines but counting them', async () => {
    const file = path.join(dir, 'a.ndjson.gz');
    writeFileSync(file, gzipSync(`${JSON.stringify(patient('p1'))}\n\n${JSON.stringify(patient('p2'))}\n`));
    const records = await collect(readNdjson(file, true));
    assert.deepEqual(
      records.map((record) => [record.location.line, record.text]),
      [
        [1, '{"resourceType":"Patient","id":"p1"}'],
        [3, '{"resourceType":"Patient","id":"p2"}'],
      ],
    );
  });

  it('streams the raw text of each entry[].resource out of a Bundle with entry indices', async () => {
    const file = path.join(dir, 'bundle.json');
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:1', resource: patient('p1') },
        { resource: patient('p2'), search: { mode: 'match' } },
      ],
      meta: { tag: [{ code: 'after-entries' }] },
    };
    writeFileSync(file, JSON.stringify(bundle));
    const records = await collect(readBundle(file, false));
    assert.deepEqual(
      records.map((record) => [record.location, record.text]),
      [
        [{ source: file, entry: 0 }, JSON.stringify(patient('p1'))],
        [{ source: file, entry: 1 }, JSON.stringify(patient('p2'))],
      ],
    );
  });

  it('fails with INPUT_READ_FAILED and the file on a truncated Bundle', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient",');
    await assert.rejects(collect(readBundle(file, false)), { code: 'INPUT_READ_FAILED' });
  });

  it('resolves folders and globs in a stable order and refuses unknown files', () => {
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    for (const name of ['b.ndjson', 'a.ndjson.gz', 'c.json', 'notes.txt'])
      writeFileSync(path.join(folder, name), '');
    assert.deepEqual(
      resolveInputs([folder]).map((input) => [path.basename(input.name), input.kind, input.gzip]),
      [
        ['a.ndjson.gz', 'ndjson', true],
        ['b.ndjson', 'ndjson', false],
        ['c.json', 'bundle', false],
      ],
    );
    assert.deepEqual(
      resolveInputs([path.join(folder, '*.ndjson')]).map((input) => path.basename(input.name)),
      ['b.ndjson'],
    );
    assert.throws(() => resolveInputs([path.join(folder, 'notes.txt')]), { code: 'INPUT_NOT_FOUND' });
    assert.throws(() => resolveInputs([path.join(dir, 'missing.ndjson')]), {
      code: 'INPUT_NOT_FOUND',
      message: `input ${path.join(dir, 'missing.ndjson')} does not exist`,
    });
  });
});

describe('FHIR server source (local server on 127.0.0.1)', () => {
  let server: Server;
  let base: string;
  let statusPolls = 0;

  before(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', base);
      const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
        response.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (url.pathname === '/fhir/Patient' && url.searchParams.get('page') === null) {
        send(200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [{ resource: patient('p1') }, { resource: patient('p2') }],
          link: [{ relation: 'next', url: `${base}/fhir/Patient?page=2` }],
        });
      } else if (url.pathname === '/fhir/Patient') {
        // The last page puts its links before its entries, and a page 3 only a parse of `link` would find.
        const last = url.searchParams.get('page') === '3';
        send(200, {
          resourceType: 'Bundle',
          type: 'searchset',
          link: last
            ? [{ relation: 'self', url: url.href }]
            : [{ relation: 'next', url: `${base}/fhir/Patient?page=3` }],
          entry: [{ resource: patient(last ? 'p4' : 'p3') }],
        });
      } else if (url.pathname === '/fhir/Outcome') {
        // A server that answers 200 with an OperationOutcome instead of a Bundle.
        send(200, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing' }] });
      } else if (url.pathname === '/fhir/$export') {
        assert.equal(request.headers.prefer, 'respond-async');
        send(202, undefined, { 'content-location': `${base}/status/1` });
      } else if (url.pathname === '/status/1') {
        statusPolls += 1;
        if (statusPolls < 2) send(202, undefined, { 'retry-after': '0' });
        else send(200, { output: [{ type: 'Patient', url: `${base}/files/Patient.ndjson` }] });
      } else if (url.pathname === '/files/Patient.ndjson') {
        send(200, `${JSON.stringify(patient('b1'))}\n${JSON.stringify(patient('b2'))}\n`, {
          'content-type': 'application/fhir+ndjson',
        });
      } else send(404, { resourceType: 'OperationOutcome' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const options = (bulkExport: boolean): FhirServerOptions => ({
    baseUrl: `${base}/fhir`,
    resourceTypes: ['Patient'],
    pageSize: 2,
    bulkExport,
    requestTimeoutMs: 5000,
    pollIntervalMs: 10,
    exportTimeoutMs: 5000,
  });

  it('follows next links of a paged search, each resource as its raw text', async () => {
    const records = await collect(readFhirServer(options(false)));
    // The page's own bytes, not a re-serialisation: the server wrote JSON.stringify(patient(..)).
    assert.deepEqual(
      records.map((record) => record.text),
      ['p1', 'p2', 'p3', 'p4'].map((id) => JSON.stringify(patient(id))),
    );
    assert.deepEqual(
      records.map((record) => record.location),
      [
        { source: `${base}/fhir/Patient?_count=2`, entry: 0 },
        { source: `${base}/fhir/Patient?_count=2`, entry: 1 },
        { source: `${base}/fhir/Patient?page=2`, entry: 0 },
        { source: `${base}/fhir/Patient?page=3`, entry: 0 },
      ],
    );
  });

  it('yields a resource over the size limit as its head with its full length', async () => {
    const records = await collect(readFhirServer(options(false), 20));
    const full = Buffer.byteLength(JSON.stringify(patient('p1')));
    assert.ok(full > 20);
    const [first] = records;
    assert.ok(first !== undefined);
    assert.equal(first.bytes, full);
    assert.ok(JSON.stringify(patient('p1')).startsWith(first.text));
  });

  it('fails naming the URL when a page is not a Bundle', async () => {
    await assert.rejects(collect(readFhirServer({ ...options(false), resourceTypes: ['Outcome'] })), {
      code: 'FHIR_SERVER_FAILED',
      url: `${base}/fhir/Outcome?_count=2`,
      message: /is a "OperationOutcome", not a Bundle/,
    });
  });

  it('runs a Bulk Data $export: kick-off, poll, NDJSON download', async () => {
    const records = await collect(readFhirServer(options(true)));
    assert.deepEqual(
      records.map((record) => [record.location, record.text]),
      [
        [{ source: `${base}/files/Patient.ndjson`, line: 1 }, JSON.stringify(patient('b1'))],
        [{ source: `${base}/files/Patient.ndjson`, line: 2 }, JSON.stringify(patient('b2'))],
      ],
    );
    assert.equal(statusPolls, 2);
  });

  it('reports FHIR_SERVER_FAILED with the URL when the server refuses', async () => {
    await assert.rejects(collect(readFhirServer({ ...options(false), resourceTypes: ['Nothing'] })), {
      code: 'FHIR_SERVER_FAILED',
      url: `${base}/fhir/Nothing?_count=2`,
    });
  });
});
