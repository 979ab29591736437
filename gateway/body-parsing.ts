/**
 * Which request bodies the gateway parses: JSON media types (FHIR, plain, JSON Patch) with prototype-poisoning
 * refused and a nesting limit, and form-encoded bodies for /auth/token. Every other Content-Type is a 415, and each
 * route further narrows what it accepts with `requireMediaType`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, GatewayErrorCode, UnsupportedMediaTypeError } from './failure.js';

export const FHIR_JSON = 'application/fhir+json';
export const PLAIN_JSON = 'application/json';
export const JSON_PATCH = 'application/json-patch+json';
export const FORM = 'application/x-www-form-urlencoded';

/** Deep enough for any real FHIR resource (nested Questionnaire items included), far short of a stack problem. */
export const MAX_JSON_DEPTH = 128;

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parseWithDepthLimit = (
    request: FastifyRequest,
    body: string,
    done: (err: Error | null, value?: unknown) => void,
  ) => {
    void parseJson(request, body, (error: Error | null, value?: unknown) => {
      if (error) {
        done(error);
        return;
      }
      if (depthExceeds(value, MAX_JSON_DEPTH)) {
        done(
          new BadRequestError(
            GatewayErrorCode.TOO_DEEP,
            `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
          ),
        );
        return;
      }
      done(null, value);
    });
  };
  app.addContentTypeParser([FHIR_JSON, PLAIN_JSON, JSON_PATCH], { parseAs: 'string' }, parseWithDepthLimit);
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, value] of new URLSearchParams(body as string)) fields[name] = value;
    done(null, fields);
  });
}

/** Iterative, so a hostile 10,000-level document cannot overflow the stack while being checked. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const item of Array.isArray(current) ? current : Object.values(current))
      stack.push([item, depth + 1]);
  }
  return false;
}

export function mediaTypeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  return header?.split(';')[0]?.trim().toLowerCase();
}

/** For routes with a body: refuse (415) a Content-Type the route does not take, even if another route parses it. */
export function requireMediaType(request: FastifyRequest, accepted: readonly string[]): void {
  const type = mediaTypeOf(request);
  if (type === undefined || !accepted.includes(type)) {
    throw new UnsupportedMediaTypeError(
      GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `this endpoint accepts Content-Type ${accepted.join(' or ')}`,
    );
  }
}
