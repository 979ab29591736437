/**
 * A FHIR server as a source, through fhir-kit-client: a paged search per resource type following `next` links, or
 * a Bulk Data `$export` (kick-off → poll the status URL → download each NDJSON file). Every request has a deadline.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Client } from 'fhir-kit-client';
import { FhirServerError } from '../../errors.js';
import type { SourceRecord } from '../../core/source-record.js';

export interface FhirServerOptions {
  baseUrl: string;
  resourceTypes: readonly string[];
  pageSize: number;
  bulkExport: boolean;
  /** Deadline of each HTTP request. */
  requestTimeoutMs: number;
  /** How long to wait between $export status polls when the server gives no Retry-After. */
  pollIntervalMs: number;
  /** Give up on an $export that is not ready by then. */
  exportTimeoutMs: number;
}

interface BundleLike {
  resourceType?: string;
  entry?: { resource?: unknown }[];
  link?: { relation?: string; url?: string }[];
}

type SearchBundle = Parameters<Client['nextPage']>[0]['bundle'];

export function readFhirServer(options: FhirServerOptions): AsyncGenerator<SourceRecord> {
  return options.bulkExport ? readBulkExport(options) : readSearch(options);
}

async function* readSearch(options: FhirServerOptions): AsyncGenerator<SourceRecord> {
  const client = new Client({ baseUrl: options.baseUrl });
  const requestOptions = () => ({ signal: AbortSignal.timeout(options.requestTimeoutMs) });
  for (const resourceType of options.resourceTypes) {
    const firstUrl = `${options.baseUrl}/${resourceType}?_count=${options.pageSize}`;
    let page = await call(firstUrl, () =>
      client.search({ resourceType, searchParams: { _count: options.pageSize }, options: requestOptions() }),
    );
    let pageUrl = firstUrl;
    for (;;) {
      const bundle = page as BundleLike;
      const entries = bundle.entry ?? [];
      for (const [entry, item] of entries.entries()) {
        if (item.resource !== undefined) yield { location: { source: pageUrl, entry }, value: item.resource };
      }
      const next = bundle.link?.find((link) => link.relation === 'next')?.url;
      if (next === undefined) break;
      pageUrl = next;
      const current = page as SearchBundle;
      page = await call(next, () => client.nextPage({ bundle: current, options: requestOptions() }));
    }
  }
}

async function call<T>(url: string, request: () => Promise<T> | undefined): Promise<T> {
  try {
    const result = await request();
    if (result === undefined) throw new Error('no response');
    return result;
  } catch (error) {
    throw new FhirServerError(url, `FHIR server request ${url} failed: ${String(error)}`, { cause: error });
  }
}

interface ExportManifest {
  output?: { type?: string; url?: string }[];
}

async function* readBulkExport(options: FhirServerOptions): AsyncGenerator<SourceRecord> {
  const client = new Client({ baseUrl: options.baseUrl });
  const kickOffUrl = `${options.baseUrl}/$export?_type=${options.resourceTypes.join(',')}`;
  const kickOff = await call(kickOffUrl, () =>
    client.request(`$export?_type=${options.resourceTypes.join(',')}`, {
      options: {
        headers: { Prefer: 'respond-async', Accept: 'application/fhir+json' },
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      },
    }),
  );
  const statusUrl = Client.httpFor(kickOff).response?.headers.get('content-location');
  if (statusUrl === null || statusUrl === undefined) {
    throw new FhirServerError(
      kickOffUrl,
      `$export kick-off at ${kickOffUrl} answered without a Content-Location`,
    );
  }
  const manifest = await pollExport(statusUrl, options);
  for (const output of manifest.output ?? []) {
    if (output.url === undefined) continue;
    yield* downloadNdjson(output.url, options);
  }
}

async function pollExport(statusUrl: string, options: FhirServerOptions): Promise<ExportManifest> {
  const deadline = Date.now() + options.exportTimeoutMs;
  for (;;) {
    let response: Response;
    try {
      response = await fetch(statusUrl, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
    } catch (error) {
      throw new FhirServerError(statusUrl, `$export status ${statusUrl} failed: ${String(error)}`, {
        cause: error,
      });
    }
    if (response.status === 200) return (await response.json()) as ExportManifest;
    if (response.status !== 202) {
      throw new FhirServerError(statusUrl, `$export status ${statusUrl} answered HTTP ${response.status}`);
    }
    await response.body?.cancel();
    if (Date.now() > deadline) {
      throw new FhirServerError(
        statusUrl,
        `$export at ${statusUrl} not ready after ${options.exportTimeoutMs} ms`,
      );
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : options.pollIntervalMs;
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, Math.max(0, deadline - Date.now()))));
  }
}

async function* downloadNdjson(url: string, options: FhirServerOptions): AsyncGenerator<SourceRecord> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/fhir+ndjson' },
      signal: AbortSignal.timeout(options.exportTimeoutMs),
    });
  } catch (error) {
    throw new FhirServerError(url, `downloading ${url} failed: ${String(error)}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    throw new FhirServerError(url, `downloading ${url} answered HTTP ${response.status}`);
  }
  const lines = createInterface({
    input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() !== '') yield { location: { source: url, line }, text };
  }
}
