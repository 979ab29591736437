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
    const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError(
        GatewayErrorCode.INVALID_TOKEN,
        'the Authorization header is not "Bearer <token>"',
      );
    }
    const claims = await this.tokens.verify(match[1]);
    const principal = this.credentials.find(claims.subject);
    if (principal === undefined) {
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

export function requireScope(user: ActingUser, resourceType: string, action: ScopeAction): void {
  if (!scopeAllows(user.claims.scopes, resourceType, action)) {
    throw new ForbiddenError(
      GatewayErrorCode.INSUFFICIENT_SCOPE,
      `the token's scopes do not allow ${action} on ${resourceType}`,
    );
  }
}
