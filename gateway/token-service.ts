/**
 * Issues and verifies the gateway's access tokens: short-lived ES256 JWTs carrying sub, role, patientId and SMART
 * scopes. Also accepts tokens of one external identity provider, verified against its JWKS and issuer. Anything
 * else — missing, expired, forged, wrong issuer or audience, `alg: none` — is an UnauthenticatedError.
 */
import {
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLES, type Role } from '../common/ehr-contract.js';
import type { Principal } from './credential-store.js';
import { GatewayErrorCode, UnauthenticatedError } from './failure.js';
import { parseScopes } from './scopes.js';

export interface ExternalIssuer {
  issuer: string;
  /** e.g. createRemoteJWKSet(new URL(jwksUrl)); tests pass a local key set. */
  keys: JWTVerifyGetKey;
  audience: string;
  algorithms: string[];
}

export interface TokenServiceOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** ES256 key pair; generated at start when absent (tokens then die with the process, which short TTLs allow). */
  keyPair?: { privateKey: CryptoKey; publicKey: CryptoKey };
  external?: ExternalIssuer;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSeconds?: number;
}

export interface AccessClaims {
  subject: string;
  role: Role;
  patientId?: string;
  scopes: string[];
  issuer: string;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  patient?: string;
}

const LOCAL_ALGORITHM = 'ES256';

export class TokenService {
  private constructor(
    private readonly options: TokenServiceOptions,
    private readonly keyPair: { privateKey: CryptoKey; publicKey: CryptoKey },
    private readonly publicJwk: JWK,
  ) {}

  static async create(options: TokenServiceOptions): Promise<TokenService> {
    const keyPair = options.keyPair ?? (await generateKeyPair(LOCAL_ALGORITHM, { extractable: true }));
    const jwk = await exportJWK(keyPair.publicKey);
    const publicJwk: JWK = {
      ...jwk,
      kid: await calculateJwkThumbprint(jwk),
      alg: LOCAL_ALGORITHM,
      use: 'sig',
    };
    return new TokenService(options, keyPair, publicJwk);
  }

  /** Our one key; a token naming another `kid` was not issued by this server, whatever its signature. */
  private readonly localKey: JWTVerifyGetKey = (header) => {
    if (header.kid !== undefined && header.kid !== this.publicJwk.kid) {
      throw invalidToken('the token names a signing key (kid) this server does not have');
    }
    return this.keyPair.publicKey;
  };

  get issuer(): string {
    return this.options.issuer;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async issue(principal: Principal, scopes: readonly string[]): Promise<IssuedToken> {
    const claims: JWTPayload = { role: principal.role, scope: scopes.join(' ') };
    if (principal.patientId !== undefined) claims.patientId = principal.patientId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: LOCAL_ALGORITHM, kid: this.publicJwk.kid ?? '', typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .setJti(crypto.randomUUID())
      .sign(this.keyPair.privateKey);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.options.ttlSeconds,
      scope: scopes.join(' '),
      ...(principal.patientId !== undefined ? { patient: principal.patientId } : {}),
    };
  }

  async verify(token: string): Promise<AccessClaims> {
    const issuer = unverifiedIssuer(token);
    const tolerance = this.options.clockToleranceSeconds ?? 5;
    let payload: JWTPayload;
    try {
      if (issuer === this.options.issuer) {
        ({ payload } = await jwtVerify(token, this.localKey, {
          issuer: this.options.issuer,
          audience: this.options.audience,
          algorithms: [LOCAL_ALGORITHM],
          clockTolerance: tolerance,
          requiredClaims: ['sub', 'exp', 'iat'],
          // Also refuses an iat in the future: we never issue one, so such a token was not made here.
          maxTokenAge: this.options.ttlSeconds,
        }));
      } else if (this.options.external !== undefined && issuer === this.options.external.issuer) {
        const external = this.options.external;
        ({ payload } = await jwtVerify(token, external.keys, {
          issuer: external.issuer,
          audience: external.audience,
          algorithms: external.algorithms,
          clockTolerance: tolerance,
          requiredClaims: ['sub', 'exp'],
        }));
      } else {
        throw invalidToken('the token was not issued by a trusted issuer');
      }
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      throw invalidToken(reasonOf(error), error);
    }
    return claimsOf(payload);
  }
}

function unverifiedIssuer(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch (error) {
    throw invalidToken('the bearer token is not a JWT', error);
  }
}

/** jose's codes are stable; its messages are not shown, they can quote claim values. */
function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return 'the token has a wrong or missing claim (issuer, audience, subject or times)';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token is signed with an algorithm this server does not accept';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is not valid';
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'the token uses a header extension (crit) or algorithm this server does not support';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'the token is not a well-formed signed JWT';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key of the issuer matches the token';
    default:
      return 'the token could not be verified';
  }
}

function invalidToken(reason: string, cause?: unknown): UnauthenticatedError {
  return new UnauthenticatedError(
    GatewayErrorCode.INVALID_TOKEN,
    reason,
    cause === undefined ? {} : { cause },
  );
}

function claimsOf(payload: JWTPayload): AccessClaims {
  const { sub, role, patientId, scope, scp, iss } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalidToken('the token has no subject');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw invalidToken(`the token's role claim is not one of ${ROLES.join(', ')}`);
  }
  const scopes =
    typeof scope === 'string'
      ? parseScopes(scope)
      : Array.isArray(scp)
        ? scp.filter((item): item is string => typeof item === 'string')
        : [];
  return {
    subject: sub,
    role: role as Role,
    ...(typeof patientId === 'string' ? { patientId } : {}),
    scopes,
    issuer: iss ?? '',
  };
}
