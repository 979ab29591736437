/**
 * What every FHIR route handler works with: its request, reply and acting user, the checks of a URL's type and id and
 * of a resource body, and the one way a stored record is answered (ETag, Location, Last-Modified, commit headers).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Committed, StoredRecord } from '../common/ehr-contract.js';
import { isFhirId, isPlainObject, type FhirResource } from '../common/fhir-resource.js';
import { BadRequestError, GatewayErrorCode, NotFoundError, UnprocessableError } from './failure.js';
import { etagFor, setCommitHeaders } from './http-headers.js';
import type { LedgerCaller } from './ledger-access.js';
import { isR4ResourceType } from './r4-resource-types.js';
import { requireScope, type ActingUser } from './request-auth.js';

export interface RouteEnv {
  caller: LedgerCaller;
  baseUrl: string;
  /** Server-assigned ids for POST; a random UUID by default. */
  newId: () => string;
}

export interface RouteContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** Undefined only on public routes. */
  user: ActingUser | undefined;
  env: RouteEnv;
}

export function actingUser(context: RouteContext): ActingUser {
  if (context.user === undefined) throw new Error('route needs an authenticated user');
  return context.user;
}

export function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

export function checkType(type: string | undefined): string {
  if (type === undefined || !isR4ResourceType(type)) {
    throw new NotFoundError(GatewayErrorCode.UNKNOWN_TYPE, 'the URL does not name a FHIR R4 resource type');
  }
  return type;
}

export function checkId(id: string | undefined, where = 'the URL'): string {
  if (!isFhirId(id)) {
    throw new BadRequestError(
      GatewayErrorCode.INVALID_ID,
      `the id in ${where} is not a FHIR id (1–64 of A-Z a-z 0-9 - .)`,
    );
  }
  return id;
}

/** The body must be a resource of the URL's type (422 otherwise, as FHIR asks for unprocessable content). */
export function checkResourceBody(body: unknown, type: string): FhirResource {
  if (!isPlainObject(body)) {
    throw new BadRequestError(
      GatewayErrorCode.BAD_REQUEST,
      'the body must be a JSON object (a FHIR resource)',
    );
  }
  if (body.resourceType !== type) {
    throw new UnprocessableError(GatewayErrorCode.UNPROCESSABLE, `the body's resourceType must be "${type}"`);
  }
  return body as FhirResource;
}

export function deadlineOf(request: FastifyRequest): number {
  return request.deadlineAt;
}

export function sendRecord(context: RouteContext, status: number, record: StoredRecord): FhirResource {
  const { resource } = record;
  const version = resource.meta?.versionId;
  if (version !== undefined) {
    context.reply.header('etag', etagFor(version));
    if (status === 201) {
      context.reply.header(
        'location',
        `${context.env.baseUrl}/fhir/${resource.resourceType}/${resource.id ?? ''}/_history/${version}`,
      );
    }
  }
  if (resource.meta?.lastUpdated !== undefined) {
    const date = new Date(resource.meta.lastUpdated);
    if (!Number.isNaN(date.getTime())) context.reply.header('last-modified', date.toUTCString());
  }
  context.reply.code(status);
  return resource;
}

export function sendCommitted(
  context: RouteContext,
  status: number,
  committed: Committed<StoredRecord>,
): FhirResource {
  setCommitHeaders(context.reply, committed);
  return sendRecord(context, status, committed.value);
}

/** The record a `/fhir/:type/:id` route acts on, once the user may `access` records of that type. */
export function recordTarget(
  context: RouteContext,
  access: 'read' | 'write',
): { user: ActingUser; type: string; id: string } {
  const user = actingUser(context);
  const type = checkType(params(context.request).type);
  const id = checkId(params(context.request).id);
  requireScope(user, type, access);
  return { user, type, id };
}
