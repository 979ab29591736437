/**
 * Fabric CA's error vocabulary (fabric-ca lib/caerrors/servererror.go) and its response envelope (cfssl's
 * api.Response: {success, result, errors:[{code, message}], messages}). fabric-ca-client only looks at `success`
 * and puts `errors` into the Error it throws, so the codes and messages are what a client can observe.
 */

/** The Fabric CA error codes the devnet CA can return. */
export const CA_ERROR_CODES = {
  UNKNOWN: 0,
  METHOD_NOT_ALLOWED: 1,
  NO_AUTH_HEADER: 2,
  EMPTY_REQUEST_BODY: 4,
  BAD_REQUEST_BODY: 5,
  REVOKE_CERT_NOT_FOUND: 8,
  REVOKE_ID_NOT_FOUND: 10,
  CA_NOT_FOUND: 19,
  AUTHENTICATION_FAILURE: 20,
  BAD_CSR: 31,
  AUTHORIZATION_FAILURE: 71,
} as const;

export type CaErrorName = keyof typeof CA_ERROR_CODES;

export class CaError extends Error {
  /** Fabric CA's numeric code, as sent to the client. */
  readonly code: number;
  constructor(
    readonly kind: CaErrorName,
    readonly httpStatus: number,
    /** What the client is told (Fabric hides authentication/authorization details behind generic messages). */
    readonly remoteMessage: string,
    /** What the server logs. */
    readonly localMessage: string = remoteMessage,
  ) {
    super(localMessage);
    this.name = 'CaError';
    this.code = CA_ERROR_CODES[kind];
  }
}

/** 401, code 20 "Authentication failure" to the client, the real reason in the log (caerrors.NewAuthenticationErr). */
export function authenticationError(localMessage: string): CaError {
  return new CaError('AUTHENTICATION_FAILURE', 401, 'Authentication failure', localMessage);
}

/** 403, code 71 "Authorization failure" to the client (caerrors.NewAuthorizationErr). */
export function authorizationError(localMessage: string): CaError {
  return new CaError('AUTHORIZATION_FAILURE', 403, 'Authorization failure', localMessage);
}

/** A plain Go error in fabric-ca becomes HTTP 500 with code 0 and the error text (serverendpoint getHTTPErr). */
export function unknownError(message: string): CaError {
  return new CaError('UNKNOWN', 500, message);
}

export interface CaResponse {
  success: boolean;
  result: unknown;
  errors: { code: number; message: string }[];
  messages: { code: number; message: string }[];
}

export function successResponse(result: unknown): CaResponse {
  return { success: true, result, errors: [], messages: [] };
}

export function errorResponse(error: CaError): CaResponse {
  return {
    success: false,
    result: null,
    errors: [{ code: error.code, message: error.remoteMessage }],
    messages: [],
  };
}
