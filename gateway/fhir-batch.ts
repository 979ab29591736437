/**
 * `POST /fhir` with a batch Bundle: every creatable entry goes into one CreateRecords transaction; entries the
 * gateway can already judge (bad method, bad URL, wrong type, missing scope) get their own error without reaching
 * the ledger. The answer is a batch-response Bundle in entry order, sent only after the transaction committed.
 */
import { MAX_BATCH_ITEMS, Tx, type BatchItemResult } from '../common/ehr-contract.js';
import { isFhirId, isPlainObject, type FhirResource } from '../common/fhir-resource.js';
import type { Bundle } from './fhir-bundles.js';
import {
  BadRequestError,
  describeFailure,
  ForbiddenError,
  GatewayErrorCode,
  LEDGER_CODE_RULES,
  operationOutcome,
  PayloadTooLargeError,
  UnprocessableError,
  type FailureDescription,
  type GatewayError,
} from './failure.js';
import { setCommitHeaders } from './http-headers.js';
import { isR4ResourceType } from './r4-resource-types.js';
import type { RouteContext } from './fhir-route-context.js';
import { scopeAllows } from './scopes.js';

type Planned = { kind: 'ledger'; resource: FhirResource } | { kind: 'refused'; failure: FailureDescription };

export async function handleBatch(context: RouteContext): Promise<unknown> {
  const user = context.user;
  if (user === undefined) throw new Error('batch needs an authenticated user');
  const entries = batchEntries(context.request.body);
  const planned = entries.map((entry, index) =>
    planEntry(entry, index, context.env.newId, user.claims.scopes),
  );
  const toLedger = planned.flatMap((plan, index) =>
    plan.kind === 'ledger' ? [{ index, resource: plan.resource }] : [],
  );
  const results = new Map<number, BatchItemResult>();
  if (toLedger.length > 0) {
    const committed = await context.env.caller.write(Tx.CreateRecords, context.request.deadlineAt, () =>
      user.ledger.createRecords(toLedger.map((item) => item.resource)),
    );
    setCommitHeaders(context.reply, committed);
    for (const item of committed.value.items) {
      const original = toLedger[item.index];
      if (original !== undefined) results.set(original.index, item);
    }
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'batch-response',
    timestamp: new Date().toISOString(),
    entry: planned.map((plan, index) => {
      if (plan.kind === 'refused') return refusedEntry(plan.failure);
      const result = results.get(index);
      if (result === undefined) {
        return refusedEntry(describeFailure(new Error('the ledger returned no outcome for this entry')));
      }
      return ledgerEntry(context.env.baseUrl, plan.resource, result);
    }),
  };
  context.reply.code(200);
  return bundle;
}

function batchEntries(body: unknown): unknown[] {
  if (!isPlainObject(body) || body.resourceType !== 'Bundle') {
    throw new UnprocessableError(GatewayErrorCode.UNPROCESSABLE, 'POST /fhir takes a Bundle of type batch');
  }
  if (body.type !== 'batch') {
    throw new UnprocessableError(
      GatewayErrorCode.UNPROCESSABLE,
      'only Bundle.type "batch" is supported (transactions are not: each entry commits on its own)',
    );
  }
  const entries = body.entry ?? [];
  if (!Array.isArray(entries))
    throw new BadRequestError(GatewayErrorCode.BAD_REQUEST, 'Bundle.entry must be a list');
  if (entries.length > MAX_BATCH_ITEMS) {
    throw new PayloadTooLargeError(
      GatewayErrorCode.BODY_TOO_LARGE,
      `the batch has ${entries.length} entries; at most ${MAX_BATCH_ITEMS} are accepted`,
    );
  }
  return entries;
}

function planEntry(entry: unknown, index: number, newId: () => string, scopes: readonly string[]): Planned {
  const refuse = (error: GatewayError): Planned => ({ kind: 'refused', failure: describeFailure(error) });
  const where = `Bundle.entry[${index}]`;
  if (!isPlainObject(entry) || !isPlainObject(entry.request) || !isPlainObject(entry.resource)) {
    return refuse(new BadRequestError(GatewayErrorCode.BAD_REQUEST, `${where} needs request and resource`));
  }
  const { method, url } = entry.request;
  const resource = entry.resource as FhirResource;
  if (typeof resource.resourceType !== 'string' || !isR4ResourceType(resource.resourceType)) {
    return refuse(
      new UnprocessableError(GatewayErrorCode.UNPROCESSABLE, `${where}.resource has no R4 resourceType`),
    );
  }
  const type = resource.resourceType;
  if (!scopeAllows(scopes, type, 'write')) {
    return refuse(
      new ForbiddenError(
        GatewayErrorCode.INSUFFICIENT_SCOPE,
        `the token's scopes do not allow write on ${type}`,
      ),
    );
  }
  if (method === 'POST' && url === type) return { kind: 'ledger', resource: { ...resource, id: newId() } };
  if (method === 'PUT' && typeof url === 'string' && url.startsWith(`${type}/`)) {
    const id = url.slice(type.length + 1);
    if (!isFhirId(id) || resource.id !== id) {
      return refuse(
        new BadRequestError(
          GatewayErrorCode.INVALID_ID,
          `${where}: the URL id and resource.id must be the same FHIR id`,
        ),
      );
    }
    return { kind: 'ledger', resource };
  }
  return refuse(
    new BadRequestError(
      GatewayErrorCode.BAD_REQUEST,
      `${where}.request must be POST <type> or PUT <type>/<id> matching the resource (batches only create)`,
    ),
  );
}

function refusedEntry(failure: FailureDescription): Record<string, unknown> {
  return { response: { status: String(failure.status), outcome: operationOutcome(failure) } };
}

function ledgerEntry(
  baseUrl: string,
  resource: FhirResource,
  result: BatchItemResult,
): Record<string, unknown> {
  const location = `${resource.resourceType}/${resource.id ?? ''}`;
  switch (result.outcome) {
    case 'created':
    case 'unchanged':
      return {
        fullUrl: `${baseUrl}/fhir/${location}`,
        response: {
          status: result.outcome === 'created' ? '201 Created' : '200 OK',
          location: `${location}/_history/${result.versionId ?? ''}`,
          ...(result.versionId !== undefined ? { etag: `W/"${result.versionId}"` } : {}),
        },
      };
    case 'conflict':
    case 'invalid': {
      const rule = result.code === undefined ? undefined : LEDGER_CODE_RULES[result.code];
      const failure: FailureDescription = {
        failure: rule?.failure ?? (result.outcome === 'conflict' ? 'conflict' : 'unprocessable'),
        status: 0,
        code:
          result.code ??
          (result.outcome === 'conflict' ? 'CC_ERR_ALREADY_EXISTS' : 'CC_ERR_INVALID_RESOURCE'),
        diagnostics: rule?.diagnostics ?? `the ledger reported ${result.outcome}`,
        retryAfterSeconds: undefined,
      };
      failure.status = result.outcome === 'conflict' ? 409 : 422;
      return {
        fullUrl: `${baseUrl}/fhir/${location}`,
        response: { status: String(failure.status), outcome: operationOutcome(failure) },
      };
    }
  }
}
