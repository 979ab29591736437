/**
 * A FHIR server as a source: a paged search per resource type following `next` links, or a Bulk Data `$export`
 * (kick-off through fhir-kit-client → poll the status URL → download each NDJSON file). Every request has a deadline,
 * and every resource reaches the pipeline as raw text (a Bundle entry's or an NDJSON line's), as from a file.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Client } from 'fhir-kit-client';
import { FhirServerError } from '../../errors.js';
import type { SourceRecord } from '../../core/source-record.js';
import { splitBundle, type BundleEnvelope } from './bundle-splitter.js';

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

export function readFhirServer(
  options: FhirServerOptions,
  maxResourceBytes = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<SourceRecord> {
  return options.bulkExport ? readBulkExport(options) : readSearch(options, maxResourceBytes);
}

/**
 * Each search page is read as bytes and split like a Bundle file (bundle-splitter.ts): every resource reaches the
 * pipeline as its raw text, parsed once there, and only the page's small root-level `link` and `resourceType` are
 * parsed here. Memory is one resource (and that envelope) at a time, whatever the page size.
 */
async function* readSearch(
  options: FhirServerOptions,
  maxResourceBytes: number,
): AsyncGenerator<SourceRecord> {
  for (const resourceType of options.resourceTypes) {
    let pageUrl: string | undefined = `${options.baseUrl}/${resourceType}?_count=${options.pageSize}`;
    while (pageUrl !== undefined) {
      const envelope: BundleEnvelope = {};
      yield* readSearchPage(pageUrl, options, maxResourceBytes, envelope);
      pageUrl = nextLink(pageUrl, envelope);
    }
  }
}

async function* readSearchPage(
  url: string,
  options: FhirServerOptions,
  maxResourceBytes: number,
  envelope: BundleEnvelope,
): AsyncGenerator<SourceRecord> {
  const response = await fetchOk(url, 'application/fhir+json', options.requestTimeoutMs);
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  try {
    for await (const split of splitBundle(body as AsyncIterable<Buffer>, maxResourceBytes, envelope)) {
      // A page whose resourceType came before its entries is checked before any of them is handed on.
      assertBundle(url, envelope, false);
      yield {
        location: { source: url, entry: split.entry },
        text: split.text,
        ...(split.cutFromBytes === undefined ? {} : { bytes: split.cutFromBytes }),
      };
    }
  } catch (error) {
    if (error instanceof FhirServerError) throw error;
    throw new FhirServerError(url, `FHIR server page ${url} is not a readable Bundle: ${String(error)}`, {
      cause: error,
    });
  } finally {
    body.destroy();
  }
  assertBundle(url, envelope, true);
}

/** A page must say it is a Bundle (an OperationOutcome answered with 200 is a failure, not an empty page). */
function assertBundle(url: string, envelope: BundleEnvelope, ended: boolean): void {
  if (envelope.resourceType === undefined && !ended) return;
  const type = parseEnvelope(url, envelope.resourceType);
  if (type !== 'Bundle') {
    throw new FhirServerError(url, `FHIR server page ${url} is a ${JSON.stringify(type)}, not a Bundle`);
  }
}

function nextLink(url: string, envelope: BundleEnvelope): string | undefined {
  const links = parseEnvelope(url, envelope.link) as { relation?: string; url?: string }[] | undefined;
  if (links !== undefined && !Array.isArray(links)) {
    throw new FhirServerError(url, `FHIR server page ${url} has a link that is not an array`);
  }
  return links?.find((link) => link.relation === 'next')?.url;
}

function parseEnvelope(url: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FhirServerError(url, `FHIR server page ${url} has malformed JSON: ${String(error)}`, {
      cause: error,
    });
  }
}

/** A GET with its own deadline; a network failure or a non-2xx answer is a FhirServerError naming the URL. */
async function fetchOk(url: string, accept: string, timeoutMs: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: accept }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new FhirServerError(url, `FHIR server request ${url} failed: ${String(error)}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new FhirServerError(url, `FHIR server request ${url} answered HTTP ${response.status}`);
  }
  return response;
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
  const response = await fetchOk(url, 'application/fhir+ndjson', options.exportTimeoutMs);
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
