/**
 * OAuth2 token endpoint (password and client_credentials grants, form-encoded or JSON, client credentials also via
 * HTTP Basic) and the discovery documents a SMART client reads: JWKS and smart-configuration.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPlainObject } from '../common/fhir-resource.js';
import type { LedgerAdmission } from './admission.js';
import { FORM, PLAIN_JSON, requireMediaType } from './body-parsing.js';
import type { CredentialStore, PrincipalKind } from './credential-store.js';
import { BadRequestError, GatewayErrorCode, UnauthenticatedError } from './failure.js';
import { grantScopes, ROLE_SCOPES } from './scopes.js';
import type { TokenService } from './token-service.js';

interface GrantRequest {
  kind: PrincipalKind;
  id: string;
  secret: string;
  scope: string | undefined;
}

export function registerAuthRoutes(
  app: FastifyInstance,
  env: {
    tokens: TokenService;
    credentials: CredentialStore;
    baseUrl: string;
    /** Bounds concurrent scrypt checks: a login storm gets 503 + Retry-After, not a CPU backlog. */
    passwordChecks: LedgerAdmission;
  },
): void {
  app.post('/auth/token', async (request, reply) => {
    requireMediaType(request, [FORM, PLAIN_JSON]);
    const grant = grantRequest(request);
    const principal = await env.passwordChecks.run(
      () => env.credentials.authenticate(grant.kind, grant.id, grant.secret),
      request.deadlineAt,
    );
    if (principal === undefined) {
      throw new UnauthenticatedError(GatewayErrorCode.INVALID_GRANT, 'the credentials are not valid');
    }
    const scopes = grantScopes(principal.role, grant.scope);
    if (scopes.length === 0) {
      throw new BadRequestError(
        GatewayErrorCode.INVALID_PARAMETER,
        'none of the requested scopes can be granted',
      );
    }
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return env.tokens.issue(principal, scopes);
  });

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return Promise.resolve(env.tokens.jwks());
  });

  app.get('/.well-known/smart-configuration', async () =>
    Promise.resolve({
      issuer: env.tokens.issuer,
      jwks_uri: `${env.baseUrl}/.well-known/jwks.json`,
      token_endpoint: `${env.baseUrl}/auth/token`,
      grant_types_supported: ['password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      scopes_supported: [...new Set(Object.values(ROLE_SCOPES).flat())],
      capabilities: [
        'client-confidential-symmetric',
        'permission-patient',
        'permission-user',
        'permission-v1',
      ],
    }),
  );
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function grantRequest(request: FastifyRequest): GrantRequest {
  const body = request.body;
  if (!isPlainObject(body))
    throw new BadRequestError(GatewayErrorCode.BAD_REQUEST, 'the token request needs a body');
  const grantType = field(body, 'grant_type');
  const scope = field(body, 'scope');
  const missing = (name: string) =>
    new BadRequestError(
      GatewayErrorCode.BAD_REQUEST,
      `the ${grantType ?? ''} grant needs the "${name}" field`,
    );
  if (grantType === 'password') {
    const id = field(body, 'username');
    const secret = field(body, 'password');
    if (id === undefined) throw missing('username');
    if (secret === undefined) throw missing('password');
    return { kind: 'user', id, secret, scope };
  }
  if (grantType === 'client_credentials') {
    const basic = basicCredentials(request.headers.authorization);
    const id = basic?.id ?? field(body, 'client_id');
    const secret = basic?.secret ?? field(body, 'client_secret');
    if (id === undefined) throw missing('client_id');
    if (secret === undefined) throw missing('client_secret');
    return { kind: 'client', id, secret, scope };
  }
  throw new BadRequestError(
    GatewayErrorCode.BAD_REQUEST,
    'grant_type must be "password" or "client_credentials"',
  );
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** RFC 6749 §2.3.1 form-encodes Basic credentials; a malformed escape is taken literally rather than failing. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    if (error instanceof URIError) return text;
    throw error;
  }
}
