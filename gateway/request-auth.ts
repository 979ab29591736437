/**
 * Turns a request's bearer token into the acting user: verified claims (scopes for the gateway's own checks) and
 * the user's own ledger, built from the Fabric identity the credentials store names for that subject.
 */
import type { FastifyRequest } from 'fastify';
import type { EhrLedger } from '../common/ehr-contract.js';
import type { CredentialStore } from './credential-store.js';
import { ForbiddenError, GatewayErrorCode, UnauthenticatedError } from './failure.js';
import type { LedgerForUser, LedgerUser } from './ledger-access.js';
import { scopeAllows, type ScopeAction } from './scopes.js';
import type { AccessClaims, TokenService } from './token-service.js';

/** Issued tokens are about 600 characters; 8 KB leaves room for an external provider's larger ones. */
export const MAX_BEARER_TOKEN_LENGTH = 8192;

const BEARER = /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i;

export interface ActingUser {
  claims: AccessClaims;
  ledgerUser: LedgerUser;
  ledger: EhrLedger;
}

export class RequestAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly credentials: CredentialStore,
    private readonly ledgerForUser: LedgerForUser,
  ) {}

  async authenticate(request: FastifyRequest): Promise<ActingUser> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw new UnauthenticatedError(
        GatewayErrorCode.UNAUTHENTICATED,
        'an Authorization: Bearer token is required',
      );
    }
    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 7235 §2.1).
    // A repeated header arrives as an array (or comma-joined), which is never one token.
    const match = typeof header === 'string' && !repeatsAuthorization(request) ? BEARER.exec(header) : null;
    if (!match?.[1]) {
      throw new UnauthenticatedError(
        GatewayErrorCode.INVALID_TOKEN,
        'the Authorization header is not "Bearer <token>"',
      );
    }
    // Our tokens are well under 1 KB; a larger one is refused before any base64 or JSON work is spent on it.
    if (match[1].length > MAX_BEARER_TOKEN_LENGTH) {
      throw new UnauthenticatedError(
        GatewayErrorCode.INVALID_TOKEN,
        `the bearer token is longer than ${String(MAX_BEARER_TOKEN_LENGTH)} characters`,
      );
    }
    const claims = await this.tokens.verify(match[1]);
    const principal = this.credentials.find(claims.subject);
    if (principal === undefined) {
      // Our own tokens only name users of the store: one that is gone is a revoked credential (log in again).
      // An external provider's user may be real but was never given a ledger identity: that is a 403.
      if (claims.issuer === this.tokens.issuer) {
        throw new UnauthenticatedError(
          GatewayErrorCode.INVALID_TOKEN,
          "the token's subject is not a known user of this server",
        );
      }
      throw new ForbiddenError(
        GatewayErrorCode.NO_LEDGER_IDENTITY,
        'the token subject has no ledger identity in the credentials store',
      );
    }
    // The chaincode acts on the role in the enrolment certificate; a token claiming another role is refused here.
    if (principal.role !== claims.role || (claims.patientId ?? principal.patientId) !== principal.patientId) {
      throw new ForbiddenError(
        GatewayErrorCode.ROLE_NOT_ALLOWED,
        "the token's role or patient does not match the user's ledger identity",
      );
    }
    const ledgerUser: LedgerUser = {
      subject: principal.id,
      role: principal.role,
      ...(principal.patientId !== undefined ? { patientId: principal.patientId } : {}),
      fabricIdentity: principal.fabricIdentity,
    };
    return { claims, ledgerUser, ledger: this.ledgerForUser(ledgerUser) };
  }
}

/**
 * Node keeps the first of two Authorization headers and drops the second; a proxy in front may keep the other one,
 * so two headers could authenticate as two different users along the way. Refused instead of guessing.
 */
function repeatsAuthorization(request: FastifyRequest): boolean {
  const raw = request.raw.rawHeaders;
  let seen = 0;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() === 'authorization') seen += 1;
  }
  return seen > 1;
}

export function requireScope(user: ActingUser, resourceType: string, action: ScopeAction): void {
  if (!scopeAllows(user.claims.scopes, resourceType, action)) {
    throw new ForbiddenError(
      GatewayErrorCode.INSUFFICIENT_SCOPE,
      `the token's scopes do not allow ${action} on ${resourceType}`,
    );
  }
}
