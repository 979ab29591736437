/**
 * Every way a gateway request can fail, as a failure class with one HTTP status, and one Error subclass per class
 * carrying a stable `code`. `statusForFailure` is the only place a failure becomes a status; `describeFailure`
 * turns any thrown value (ours, fastify's, the ledger client's) into that class without ever exposing a stack,
 * a token or record content.
 */
import { ChaincodeErrorCode } from '../common/ehr-contract.js';
import {
  operationOutcome as outcomeOf,
  type IssueType,
  type OperationOutcome,
} from '../common/operation-outcome.js';
import type { LedgerErrorCode } from '../ledger-client/ledger-error.js';
import { ledgerErrorCodeOf } from '../ledger-client/retry.js';

export const FAILURE_STATUS = {
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'request-timeout': 408,
  conflict: 409,
  'precondition-failed': 412,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'headers-too-large': 431,
  overloaded: 503,
  'ledger-unavailable': 503,
  'deadline-exceeded': 504,
  unexpected: 500,
} as const;
export type FailureClass = keyof typeof FAILURE_STATUS;

export function statusForFailure(failure: FailureClass): number {
  return FAILURE_STATUS[failure];
}

/** The OperationOutcome issue.code (FHIR value set issue-type) that fits each failure class. */
const ISSUE_TYPE: Record<FailureClass, IssueType> = {
  'bad-request': 'invalid',
  unauthenticated: 'login',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'method-not-allowed': 'not-supported',
  'request-timeout': 'timeout',
  conflict: 'conflict',
  'precondition-failed': 'conflict',
  'too-large': 'too-costly',
  'unsupported-media-type': 'not-supported',
  unprocessable: 'processing',
  'headers-too-large': 'too-costly',
  overloaded: 'throttled',
  'ledger-unavailable': 'transient',
  'deadline-exceeded': 'timeout',
  unexpected: 'exception',
};

/** Codes the gateway itself raises (ledger codes are passed through as they come). */
export const GatewayErrorCode = {
  BAD_REQUEST: 'GW_BAD_REQUEST',
  INVALID_JSON: 'GW_INVALID_JSON',
  TOO_DEEP: 'GW_TOO_DEEP',
  INVALID_ID: 'GW_INVALID_ID',
  INVALID_PARAMETER: 'GW_INVALID_PARAMETER',
  UNAUTHENTICATED: 'GW_UNAUTHENTICATED',
  INVALID_TOKEN: 'GW_INVALID_TOKEN',
  INVALID_GRANT: 'GW_INVALID_GRANT',
  INSUFFICIENT_SCOPE: 'GW_INSUFFICIENT_SCOPE',
  NO_LEDGER_IDENTITY: 'GW_NO_LEDGER_IDENTITY',
  ROLE_NOT_ALLOWED: 'GW_ROLE_NOT_ALLOWED',
  UNKNOWN_TYPE: 'GW_UNKNOWN_TYPE',
  ROUTE_NOT_FOUND: 'GW_ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'GW_METHOD_NOT_ALLOWED',
  VERSION_MISMATCH: 'GW_VERSION_MISMATCH',
  BAD_IF_MATCH: 'GW_BAD_IF_MATCH',
  BODY_TOO_LARGE: 'GW_BODY_TOO_LARGE',
  REQUEST_TIMEOUT: 'GW_REQUEST_TIMEOUT',
  HEADERS_TOO_LARGE: 'GW_HEADERS_TOO_LARGE',
  MALFORMED_HTTP: 'GW_MALFORMED_HTTP',
  UNSUPPORTED_MEDIA_TYPE: 'GW_UNSUPPORTED_MEDIA_TYPE',
  UNPROCESSABLE: 'GW_UNPROCESSABLE',
  PATCH_NOT_SUPPORTED: 'GW_PATCH_NOT_SUPPORTED',
  OVERLOADED: 'GW_OVERLOADED',
  LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  DEADLINE_EXCEEDED: 'GW_DEADLINE_EXCEEDED',
  UNEXPECTED: 'GW_UNEXPECTED',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export interface FailureContext {
  cause?: unknown;
  /** Seconds a client should wait before retrying (503 / 504). */
  retryAfterSeconds?: number;
}

/** Base of every error the gateway raises on purpose. The message is safe to show to the client. */
export abstract class GatewayError extends Error {
  abstract readonly failure: FailureClass;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: string,
    message: string,
    context: FailureContext = {},
  ) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.retryAfterSeconds = context.retryAfterSeconds;
  }
}

export class BadRequestError extends GatewayError {
  readonly failure = 'bad-request';
  override name = 'BadRequestError';
}
export class UnauthenticatedError extends GatewayError {
  readonly failure = 'unauthenticated';
  override name = 'UnauthenticatedError';
}
export class ForbiddenError extends GatewayError {
  readonly failure = 'forbidden';
  override name = 'ForbiddenError';
}
export class NotFoundError extends GatewayError {
  readonly failure = 'not-found';
  override name = 'NotFoundError';
}
export class MethodNotAllowedError extends GatewayError {
  readonly failure = 'method-not-allowed';
  override name = 'MethodNotAllowedError';
}
export class ConflictError extends GatewayError {
  readonly failure = 'conflict';
  override name = 'ConflictError';
}
export class PreconditionFailedError extends GatewayError {
  readonly failure = 'precondition-failed';
  override name = 'PreconditionFailedError';
}
export class PayloadTooLargeError extends GatewayError {
  readonly failure = 'too-large';
  override name = 'PayloadTooLargeError';
}
export class UnsupportedMediaTypeError extends GatewayError {
  readonly failure = 'unsupported-media-type';
  override name = 'UnsupportedMediaTypeError';
}
export class UnprocessableError extends GatewayError {
  readonly failure = 'unprocessable';
  override name = 'UnprocessableError';
}
export class OverloadedError extends GatewayError {
  readonly failure = 'overloaded';
  override name = 'OverloadedError';
}
/** The ledger does not answer the readiness probe (a live condition: 503, unlike a missing profile at start). */
export class LedgerUnreachableError extends GatewayError {
  readonly failure = 'ledger-unavailable';
  override name = 'LedgerUnreachableError';
}
export class DeadlineExceededError extends GatewayError {
  readonly failure = 'deadline-exceeded';
  override name = 'DeadlineExceededError';
}

interface LedgerCodeRule {
  failure: FailureClass;
  /** Fixed text: ledger detail may quote record content, so it never reaches the client. */
  diagnostics: string;
  retryAfterSeconds?: number;
}

/**
 * The mapping from every ledger-client code to a failure class, the only place it is decided. A `Record` over the
 * client's code list, so a code the client adds does not compile until it has a status here.
 */
export const LEDGER_CODE_RULES: Readonly<Record<LedgerErrorCode, LedgerCodeRule>> = {
  [ChaincodeErrorCode.FORBIDDEN]: {
    failure: 'forbidden',
    diagnostics: 'the ledger refused this call for your role',
  },
  [ChaincodeErrorCode.NOT_FOUND]: { failure: 'not-found', diagnostics: 'no such record on the ledger' },
  [ChaincodeErrorCode.VERSION_CONFLICT]: {
    failure: 'precondition-failed',
    diagnostics: 'the record has a newer version than the one given',
  },
  [ChaincodeErrorCode.ALREADY_EXISTS]: {
    failure: 'conflict',
    diagnostics: 'a record with this id already exists',
  },
  [ChaincodeErrorCode.INVALID_ARGUMENT]: {
    failure: 'bad-request',
    diagnostics: 'the ledger refused an argument',
  },
  [ChaincodeErrorCode.INVALID_RESOURCE]: {
    failure: 'unprocessable',
    diagnostics: 'the ledger refused the resource as not valid FHIR R4',
  },
  [ChaincodeErrorCode.BATCH_TOO_LARGE]: {
    failure: 'too-large',
    diagnostics: 'the batch has more entries than one ledger call accepts',
  },
  MVCC_READ_CONFLICT: {
    failure: 'conflict',
    diagnostics: 'concurrent writes to the same record kept conflicting; retry later',
  },
  PHANTOM_READ_CONFLICT: {
    failure: 'conflict',
    diagnostics: 'concurrent writes kept changing what this call read; retry later',
  },
  UNAVAILABLE: {
    failure: 'ledger-unavailable',
    diagnostics: 'the ledger is not reachable',
    retryAfterSeconds: 5,
  },
  ENDORSE_FAILED: {
    failure: 'ledger-unavailable',
    diagnostics: 'the ledger peers did not endorse the call; nothing was written',
    retryAfterSeconds: 5,
  },
  SUBMIT_FAILED: {
    failure: 'ledger-unavailable',
    diagnostics:
      'the ledger did not accept the transaction for ordering; read the record before writing again',
    retryAfterSeconds: 5,
  },
  COMMIT_STATUS_UNKNOWN: {
    failure: 'deadline-exceeded',
    diagnostics:
      'the transaction was sent but its commit could not be confirmed; read the record before writing again',
    retryAfterSeconds: 2,
  },
  COMMIT_FAILED: {
    failure: 'ledger-unavailable',
    diagnostics: 'the ledger did not commit the transaction; nothing was written',
    retryAfterSeconds: 2,
  },
  BAD_RESPONSE: {
    failure: 'unexpected',
    diagnostics: 'the ledger answered with something this gateway cannot read',
  },
};

/** Reads `code` from any thrown object: the ledger client's LedgerError, ours or fastify's. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

export interface FailureDescription {
  failure: FailureClass;
  status: number;
  code: string;
  diagnostics: string;
  retryAfterSeconds: number | undefined;
}

const FASTIFY_RULES: Readonly<Record<string, { failure: FailureClass; code: string; diagnostics: string }>> =
  {
    FST_ERR_CTP_BODY_TOO_LARGE: {
      failure: 'too-large',
      code: GatewayErrorCode.BODY_TOO_LARGE,
      diagnostics: 'the request body is larger than the configured limit',
    },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
      failure: 'unsupported-media-type',
      code: GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
      diagnostics:
        'the Content-Type is not one this server accepts (application/fhir+json or application/json)',
    },
    FST_ERR_CTP_INVALID_TYPE: {
      failure: 'unsupported-media-type',
      code: GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
      diagnostics: 'the Content-Type header is malformed',
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
      failure: 'bad-request',
      code: GatewayErrorCode.INVALID_JSON,
      diagnostics: 'the body is empty but a JSON document was expected',
    },
    FST_ERR_CTP_INVALID_JSON_BODY: {
      failure: 'bad-request',
      code: GatewayErrorCode.INVALID_JSON,
      diagnostics: 'the body is not valid JSON',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
      failure: 'bad-request',
      code: GatewayErrorCode.BAD_REQUEST,
      diagnostics: 'the Content-Length does not match the body',
    },
    FST_ERR_MAX_PARAM_LENGTH: {
      failure: 'bad-request',
      code: GatewayErrorCode.BAD_REQUEST,
      diagnostics: 'a path segment is longer than this server accepts',
    },
    FST_ERR_BAD_URL: {
      failure: 'bad-request',
      code: GatewayErrorCode.BAD_REQUEST,
      diagnostics: 'the URL is malformed',
    },
  };

export function describeFailure(error: unknown): FailureDescription {
  if (error instanceof GatewayError) {
    return describeAs(error.failure, error.code, error.message, error.retryAfterSeconds);
  }
  const ledgerCode = ledgerErrorCodeOf(error);
  if (ledgerCode !== undefined) {
    const rule = LEDGER_CODE_RULES[ledgerCode];
    return describeAs(rule.failure, ledgerCode, rule.diagnostics, rule.retryAfterSeconds);
  }
  const code = errorCodeOf(error);
  if (code !== undefined) {
    const fastifyRule = FASTIFY_RULES[code];
    if (fastifyRule)
      return describeAs(fastifyRule.failure, fastifyRule.code, fastifyRule.diagnostics, undefined);
  }
  const validation = validationMessage(error);
  if (validation !== undefined)
    return describeAs('bad-request', GatewayErrorCode.INVALID_PARAMETER, validation, undefined);
  if (error instanceof SyntaxError) {
    // JSON.parse messages quote part of the body, which may be PHI.
    return describeAs('bad-request', GatewayErrorCode.INVALID_JSON, 'the body is not valid JSON', undefined);
  }
  const status = statusCodeOf(error);
  if (status === 413)
    return describeAs('too-large', GatewayErrorCode.BODY_TOO_LARGE, 'the request is too large', undefined);
  if (status !== undefined && status >= 400 && status < 500) {
    return describeAs(
      'bad-request',
      GatewayErrorCode.BAD_REQUEST,
      'the request could not be processed',
      undefined,
    );
  }
  return describeAs('unexpected', GatewayErrorCode.UNEXPECTED, 'an unexpected error occurred', undefined);
}

export function describeAs(
  failure: FailureClass,
  code: string,
  diagnostics: string,
  retryAfterSeconds: number | undefined,
): FailureDescription {
  return { failure, status: statusForFailure(failure), code, diagnostics, retryAfterSeconds };
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = error.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Fastify schema validation errors carry `validation` (ajv issues) and `validationContext` (params, body…). */
function validationMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('validation' in error)) return undefined;
  const { validation, validationContext } = error as { validation: unknown; validationContext?: unknown };
  if (!Array.isArray(validation) || validation.length === 0) return undefined;
  const first = validation[0] as { instancePath?: unknown; message?: unknown };
  const where = `${typeof validationContext === 'string' ? validationContext : 'request'}${
    typeof first.instancePath === 'string' ? first.instancePath : ''
  }`;
  return `${where} ${typeof first.message === 'string' ? first.message : 'is not valid'}`;
}

export function operationOutcome(description: FailureDescription): OperationOutcome {
  return outcomeOf([
    {
      code: ISSUE_TYPE[description.failure],
      errorCode: description.code,
      diagnostics: description.diagnostics,
    },
  ]);
}
