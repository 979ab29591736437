/**
 * SMART on FHIR v1 style scopes (`patient/*.read`, `user/Observation.write`, `system/*.*`): which scopes each role
 * is issued, and whether a set of scopes allows an action on a resource type. Scopes are the gateway's own check;
 * the chaincode still enforces roles on every call.
 */
import type { Role } from '../common/ehr-contract.js';

export type ScopeAction = 'read' | 'write';

const SCOPE_PATTERN = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|write|\*)$/;

export const ROLE_SCOPES: Readonly<Record<Role, readonly string[]>> = {
  provider: ['user/*.*'],
  patient: ['patient/*.read', 'patient/Patient.write'],
  regulator: ['user/*.read'],
  migrator: ['system/*.write'],
};

export function parseScopes(text: string): string[] {
  return text.split(/\s+/).filter((scope) => scope !== '');
}

export function scopeAllows(scopes: readonly string[], resourceType: string, action: ScopeAction): boolean {
  return scopes.some((scope) => {
    const match = SCOPE_PATTERN.exec(scope);
    if (!match) return false;
    const [, , type, verb] = match;
    return (type === '*' || type === resourceType) && (verb === '*' || verb === action);
  });
}

/**
 * The scopes to grant: the role's scopes, narrowed to the requested ones when a `scope` parameter was sent.
 * A requested scope is granted when the role's scopes cover it for every type and action it names.
 */
export function grantScopes(role: Role, requested: string | undefined): string[] {
  const allowed = ROLE_SCOPES[role];
  if (requested === undefined || requested.trim() === '') return [...allowed];
  return parseScopes(requested).filter((scope) => {
    const match = SCOPE_PATTERN.exec(scope);
    if (!match) return false;
    const [, context, type = '*', verb = '*'] = match;
    const actions: ScopeAction[] = verb === '*' ? ['read', 'write'] : [verb as ScopeAction];
    return allowed.some((granted) => {
      if (!granted.startsWith(`${context ?? ''}/`)) return false;
      // A granted `*` type covers the requested `*`; a granted single type covers only itself.
      return actions.every((action) => scopeAllows([granted], type, action));
    });
  });
}
