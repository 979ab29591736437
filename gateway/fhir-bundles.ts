/**
 * The Bundles the gateway answers with (searchset, history, batch-response) and the opaque page token that carries
 * the ledger's bookmark in `_page_token`, so clients never build or parse bookmarks themselves.
 */
import type { HistoryEntry, StoredRecord } from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import { BadRequestError, GatewayErrorCode } from './failure.js';

export interface Bundle {
  resourceType: 'Bundle';
  type: 'searchset' | 'history' | 'batch-response';
  timestamp: string;
  link?: { relation: string; url: string }[];
  entry: Record<string, unknown>[];
}

const TOKEN_PREFIX = 'b1.';

export function encodePageToken(bookmark: string): string {
  return TOKEN_PREFIX + Buffer.from(bookmark, 'utf8').toString('base64url');
}

export function decodePageToken(token: string | undefined): string {
  if (token === undefined || token === '') return '';
  if (!token.startsWith(TOKEN_PREFIX) || !/^[A-Za-z0-9_-]{0,4096}$/.test(token.slice(TOKEN_PREFIX.length))) {
    throw new BadRequestError(
      GatewayErrorCode.INVALID_PARAMETER,
      '_page_token is not a token this server issued',
    );
  }
  return Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8');
}

function resourceUrl(baseUrl: string, resource: FhirResource): string {
  return `${baseUrl}/fhir/${resource.resourceType}/${resource.id ?? ''}`;
}

/** `self` is the query as served; `next` repeats it with the bookmark of the following page. */
export function searchsetBundle(
  baseUrl: string,
  selfPath: string,
  query: URLSearchParams,
  resources: readonly FhirResource[],
  bookmark: string,
): Bundle {
  const link = [{ relation: 'self', url: `${baseUrl}${selfPath}${queryText(query)}` }];
  if (bookmark !== '') {
    const next = new URLSearchParams(query);
    next.set('_page_token', encodePageToken(bookmark));
    link.push({ relation: 'next', url: `${baseUrl}${selfPath}${queryText(next)}` });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    link,
    entry: resources.map((resource) => ({
      fullUrl: resourceUrl(baseUrl, resource),
      resource,
      search: { mode: 'match' },
    })),
  };
}

function queryText(query: URLSearchParams): string {
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

export function storedResources(records: readonly StoredRecord[]): FhirResource[] {
  return records.map((record) => record.resource);
}

/** Newest first, as FHIR's _history asks; the first entry is a POST, later ones are PUTs. */
export function historyBundle(
  baseUrl: string,
  resourceType: string,
  id: string,
  entries: readonly HistoryEntry[],
) {
  const ordered = [...entries].sort((a, b) =>
    a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0,
  );
  const oldest = ordered[ordered.length - 1];
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    timestamp: new Date().toISOString(),
    link: [{ relation: 'self', url: `${baseUrl}/fhir/${resourceType}/${id}/_history` }],
    entry: ordered.map((entry) => ({
      fullUrl: `${baseUrl}/fhir/${resourceType}/${id}`,
      ...(entry.resource ? { resource: entry.resource } : {}),
      request: {
        method: entry.isDelete ? 'DELETE' : entry === oldest ? 'POST' : 'PUT',
        url: entry === oldest ? resourceType : `${resourceType}/${id}`,
      },
      response: {
        status: entry.isDelete ? '204' : entry === oldest ? '201' : '200',
        lastModified: entry.timestamp,
        ...(entry.resource?.meta?.versionId ? { etag: `W/"${entry.resource.meta.versionId}"` } : {}),
      },
    })),
  };
  return bundle;
}
