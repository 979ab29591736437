/**
 * The FHIR searches: `GET /fhir/:type` (a patient's compartment through ListPatientRecords, else the de-identified
 * ResearchQuery) and `Patient/$everything`, paged by the chaincode's bookmark behind an opaque page token.
 */
import { MAX_PAGE_SIZE } from '../common/ehr-contract.js';
import { decodePageToken, searchsetBundle, storedResources } from './fhir-bundles.js';
import { BadRequestError, GatewayErrorCode } from './failure.js';
import {
  actingUser,
  checkId,
  checkType,
  deadlineOf,
  params,
  type RouteContext,
} from './fhir-route-context.js';
import { requireScope } from './request-auth.js';

export const DEFAULT_PAGE_SIZE = 50;

interface PageQuery {
  count: number;
  bookmark: string;
  echo: URLSearchParams;
}

function pageQuery(query: Record<string, unknown>, keep: readonly string[]): PageQuery {
  const echo = new URLSearchParams();
  for (const name of keep) {
    const value = query[name];
    if (value !== undefined) {
      if (typeof value !== 'string') {
        throw new BadRequestError(
          GatewayErrorCode.INVALID_PARAMETER,
          `search parameter ${name} may appear only once`,
        );
      }
      echo.set(name, value);
    }
  }
  const countText = query._count;
  let count = DEFAULT_PAGE_SIZE;
  if (countText !== undefined) {
    count = Number(countText);
    if (
      typeof countText !== 'string' ||
      !/^[0-9]{1,4}$/.test(countText) ||
      count < 1 ||
      count > MAX_PAGE_SIZE
    ) {
      throw new BadRequestError(
        GatewayErrorCode.INVALID_PARAMETER,
        `_count must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    echo.set('_count', String(count));
  }
  const token = query._page_token;
  if (token !== undefined && typeof token !== 'string') {
    throw new BadRequestError(GatewayErrorCode.INVALID_PARAMETER, '_page_token may appear only once');
  }
  return { count, bookmark: decodePageToken(token), echo };
}

function patientIdOf(reference: string): string {
  const id = reference.startsWith('Patient/') ? reference.slice('Patient/'.length) : reference;
  return checkId(id, 'the patient parameter');
}

export async function search(context: RouteContext): Promise<unknown> {
  const user = actingUser(context);
  const type = checkType(params(context.request).type);
  requireScope(user, type, 'read');
  const query = context.request.query as Record<string, unknown>;
  const page = pageQuery(query, ['patient', 'code']);
  const deadline = deadlineOf(context.request);
  const selfPath = `/fhir/${type}`;
  const patient = page.echo.get('patient');
  if (patient !== null) {
    const patientId = patientIdOf(patient);
    const result = await context.env.caller.read(deadline, () =>
      user.ledger.listPatientRecords(patientId, type, page.count, page.bookmark),
    );
    return searchsetBundle(
      context.env.baseUrl,
      selfPath,
      page.echo,
      storedResources(result.items),
      result.bookmark,
    );
  }
  const code = page.echo.get('code') ?? undefined;
  if (code !== undefined && !/^[^\s|]{0,128}(\|[^\s|]{1,128})?$/.test(code)) {
    throw new BadRequestError(
      GatewayErrorCode.INVALID_PARAMETER,
      'code must be a token (code or system|code)',
    );
  }
  const result = await context.env.caller.read(deadline, () =>
    user.ledger.researchQuery(type, code, page.count, page.bookmark),
  );
  return searchsetBundle(context.env.baseUrl, selfPath, page.echo, result.items, result.bookmark);
}

export async function everything(context: RouteContext): Promise<unknown> {
  const user = actingUser(context);
  const id = checkId(params(context.request).id);
  requireScope(user, '*', 'read');
  const page = pageQuery(context.request.query as Record<string, unknown>, []);
  const result = await context.env.caller.read(deadlineOf(context.request), () =>
    user.ledger.listPatientRecords(id, undefined, page.count, page.bookmark),
  );
  return searchsetBundle(
    context.env.baseUrl,
    `/fhir/Patient/${id}/$everything`,
    page.echo,
    storedResources(result.items),
    result.bookmark,
  );
}
