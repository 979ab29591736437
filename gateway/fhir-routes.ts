/**
 * The FHIR R4 RESTful subset, as one route table: each entry is both what fastify serves and what the
 * CapabilityStatement declares, so /fhir/metadata cannot drift from the API.
 */
import { randomUUID } from 'node:crypto';
import { ChaincodeErrorCode, MAX_PAGE_SIZE, Tx } from '../common/ehr-contract.js';
import { FHIR_JSON, JSON_PATCH, PLAIN_JSON } from './body-parsing.js';
import { handleBatch } from './fhir-batch.js';
import { historyBundle } from './fhir-bundles.js';
import {
  BadRequestError,
  ConflictError,
  errorCodeOf,
  ForbiddenError,
  GatewayErrorCode,
  NotFoundError,
  PreconditionFailedError,
} from './failure.js';
import {
  actingUser,
  checkId,
  checkResourceBody,
  checkType,
  deadlineOf,
  params,
  recordTarget,
  sendCommitted,
  sendRecord,
  type RouteContext,
} from './fhir-route-context.js';
import { DEFAULT_PAGE_SIZE, everything, search } from './fhir-search-routes.js';
import { parseIfMatch } from './http-headers.js';
import { applyAddressPatch, parsePatch, PatchRefusedError } from './json-patch.js';
import { requireScope } from './request-auth.js';

export type { RouteContext, RouteEnv } from './fhir-route-context.js';

export interface FhirRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  /** FHIR interaction (restful-interaction code) or `operation` / `capabilities`. */
  interaction: string;
  /** When set, the route serves only this type (e.g. PATCH on Patient). */
  onlyType?: string;
  operation?: string;
  /** Search parameters the route honours, for the CapabilityStatement. */
  searchParams?: { name: string; type: string; documentation: string }[];
  bodyTypes?: readonly string[];
  public?: boolean;
  handler: (context: RouteContext) => Promise<unknown>;
}

const RESOURCE_BODY = [FHIR_JSON, PLAIN_JSON] as const;

export const FHIR_ROUTES: readonly FhirRoute[] = [
  { method: 'GET', url: '/fhir/metadata', interaction: 'capabilities', public: true, handler: notWiredHere },
  { method: 'POST', url: '/fhir', interaction: 'batch', bodyTypes: RESOURCE_BODY, handler: handleBatch },
  { method: 'POST', url: '/fhir/:type', interaction: 'create', bodyTypes: RESOURCE_BODY, handler: create },
  { method: 'GET', url: '/fhir/:type/:id', interaction: 'read', handler: read },
  { method: 'PUT', url: '/fhir/:type/:id', interaction: 'update', bodyTypes: RESOURCE_BODY, handler: update },
  {
    method: 'PATCH',
    url: '/fhir/Patient/:id',
    interaction: 'patch',
    onlyType: 'Patient',
    bodyTypes: [JSON_PATCH],
    handler: patchAddress,
  },
  { method: 'GET', url: '/fhir/:type/:id/_history', interaction: 'history-instance', handler: history },
  {
    method: 'GET',
    url: '/fhir/:type',
    interaction: 'search-type',
    searchParams: [
      {
        name: 'patient',
        type: 'reference',
        documentation:
          "records in this patient's compartment (ListPatientRecords); without it: ResearchQuery",
      },
      { name: 'code', type: 'token', documentation: 'with no patient: de-identified research query by code' },
      {
        name: '_count',
        type: 'number',
        documentation: `page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
      },
      { name: '_page_token', type: 'string', documentation: 'opaque; taken from the next link' },
    ],
    handler: search,
  },
  {
    method: 'GET',
    url: '/fhir/Patient/:id/$everything',
    interaction: 'operation',
    onlyType: 'Patient',
    operation: 'everything',
    handler: everything,
  },
];

function notWiredHere(): Promise<unknown> {
  // The capabilities route is answered by the app (it needs the whole table); this entry documents it.
  return Promise.reject(new Error('capabilities handler is registered by the app'));
}

/**
 * The gateway picks the id before endorsement, so every endorsing peer sees the same id and the chaincode stores
 * exactly it; a random UUID cannot collide in practice, and if it ever did the chaincode's ALREADY_EXISTS check
 * refuses the write (409) instead of overwriting.
 */
async function create(context: RouteContext): Promise<unknown> {
  const user = actingUser(context);
  const type = checkType(params(context.request).type);
  requireScope(user, type, 'write');
  const resource = { ...checkResourceBody(context.request.body, type), id: context.env.newId() };
  const committed = await context.env.caller.write(Tx.CreateRecord, deadlineOf(context.request), () =>
    user.ledger.createRecord(resource),
  );
  return sendCommitted(context, 201, committed);
}

async function read(context: RouteContext): Promise<unknown> {
  const { user, type, id } = recordTarget(context, 'read');
  const record = await context.env.caller.read(deadlineOf(context.request), () =>
    user.ledger.readRecord(type, id),
  );
  return sendRecord(context, 200, record);
}

/**
 * With If-Match: an update at that version (412 if stale). Without: create at the client's id (201), or, when the
 * record exists, an update at the version just read (200; 409 if another writer got in between).
 */
async function update(context: RouteContext): Promise<unknown> {
  const { user, type, id } = recordTarget(context, 'write');
  const resource = checkResourceBody(context.request.body, type);
  if (resource.id !== id) {
    throw new BadRequestError(GatewayErrorCode.INVALID_ID, 'the body id must equal the id in the URL');
  }
  const expected = parseIfMatch(context.request.headers['if-match']);
  const deadline = deadlineOf(context.request);
  const { caller } = context.env;
  if (expected !== undefined) {
    const committed = await caller.write(Tx.UpdateRecord, deadline, () =>
      user.ledger.updateRecord(resource, expected),
    );
    return sendCommitted(context, 200, committed);
  }
  try {
    const created = await caller.write(Tx.CreateRecord, deadline, () => user.ledger.createRecord(resource));
    return sendCommitted(context, 201, created);
  } catch (error) {
    if (errorCodeOf(error) !== ChaincodeErrorCode.ALREADY_EXISTS) throw error;
  }
  const current = await caller.read(deadline, () => user.ledger.readRecord(type, id));
  const version = current.resource.meta?.versionId ?? '';
  try {
    const updated = await caller.write(Tx.UpdateRecord, deadline, () =>
      user.ledger.updateRecord(resource, version),
    );
    return sendCommitted(context, 200, updated);
  } catch (error) {
    if (errorCodeOf(error) !== ChaincodeErrorCode.VERSION_CONFLICT) throw error;
    throw new ConflictError(
      GatewayErrorCode.VERSION_MISMATCH,
      'another write changed the record during this update; send If-Match to update a known version',
      { cause: error },
    );
  }
}

/** A patient's one write: JSON Patch on /address, committed through UpdatePatientAddress. */
async function patchAddress(context: RouteContext): Promise<unknown> {
  const user = actingUser(context);
  const id = checkId(params(context.request).id);
  requireScope(user, 'Patient', 'write');
  let operations;
  try {
    operations = parsePatch(context.request.body);
  } catch (error) {
    if (
      error instanceof PatchRefusedError &&
      error.reason === 'outside-address' &&
      user.ledgerUser.role === 'patient'
    ) {
      throw new ForbiddenError(GatewayErrorCode.ROLE_NOT_ALLOWED, 'a patient may change only their address', {
        cause: error,
      });
    }
    throw error;
  }
  const expected = parseIfMatch(context.request.headers['if-match']);
  const deadline = deadlineOf(context.request);
  const current = await context.env.caller.read(deadline, () => user.ledger.readRecord('Patient', id));
  // UpdatePatientAddress takes no expected version, so If-Match is checked here against the version just read.
  if (expected !== undefined && current.resource.meta?.versionId !== expected) {
    throw new PreconditionFailedError(
      GatewayErrorCode.VERSION_MISMATCH,
      'If-Match does not name the current version',
    );
  }
  const before = Array.isArray(current.resource.address) ? (current.resource.address as unknown[]) : [];
  const address = applyAddressPatch(before, operations);
  const committed = await context.env.caller.write(Tx.UpdatePatientAddress, deadline, () =>
    user.ledger.updatePatientAddress(id, address),
  );
  return sendCommitted(context, 200, committed);
}

async function history(context: RouteContext): Promise<unknown> {
  const { user, type, id } = recordTarget(context, 'read');
  const entries = await context.env.caller.read(deadlineOf(context.request), () =>
    user.ledger.getRecordHistory(type, id),
  );
  if (entries.length === 0)
    throw new NotFoundError(ChaincodeErrorCode.NOT_FOUND, 'no such record on the ledger');
  return historyBundle(context.env.baseUrl, type, id, entries);
}

export function defaultNewId(): string {
  return randomUUID();
}
