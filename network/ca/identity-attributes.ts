/**
 * Identity attributes as fabric-ca handles them: the bootstrap admin's, the ones register adds to everyone, the
 * ones an enrolment certificate carries, and how hf.Registrar.* / hf.Revoker values are read as permissions.
 */
import { unknownError } from './ca-errors.js';
import { stringValue, type EnrollBody } from './ca-request-body.js';
import type { IdentityAttribute, StoredIdentity } from './identity-store.js';

export const BOOTSTRAP_ATTRIBUTES: readonly IdentityAttribute[] = [
  { name: 'hf.Registrar.Roles', value: '*', ecert: false },
  { name: 'hf.Registrar.DelegateRoles', value: '*', ecert: false },
  { name: 'hf.Registrar.Attributes', value: '*', ecert: false },
  { name: 'hf.Revoker', value: '1', ecert: false },
  { name: 'hf.IntermediateCA', value: '1', ecert: false },
  { name: 'hf.GenCRL', value: '1', ecert: false },
  { name: 'hf.AffiliationMgr', value: '1', ecert: false },
];

/** attr_reqs → the requested attributes (error if a non-optional one is missing); none → the ecert ones. */
export function selectAttributes(
  identity: StoredIdentity,
  attrReqs: EnrollBody['attr_reqs'],
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (attrReqs === undefined || attrReqs === null) {
    for (const attr of identity.attributes) if (attr.ecert) out[attr.name] = attr.value;
  } else {
    for (const req of attrReqs) {
      const name = stringValue(req.name);
      const attr = identity.attributes.find((a) => a.name === name);
      if (attr !== undefined) out[name] = attr.value;
      else if (req.optional !== true) {
        throw unknownError(
          `Attribute '${name}' was requested but the identity '${identity.id}' does not have it`,
        );
      }
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Register adds hf.EnrollmentID, hf.Type and hf.Affiliation (ecert) to every identity. */
export function withAutoAttributes(
  attrs: readonly IdentityAttribute[],
  id: string,
  type: string,
  affiliation: string,
): IdentityAttribute[] {
  const auto: IdentityAttribute[] = [
    { name: 'hf.EnrollmentID', value: id, ecert: true },
    { name: 'hf.Type', value: type, ecert: true },
    { name: 'hf.Affiliation', value: affiliation, ecert: true },
  ];
  const autoNames = new Set(auto.map((a) => a.name));
  return [...attrs.filter((a) => !autoNames.has(a.name)), ...auto];
}

export function attributeValue(identity: StoredIdentity, name: string): string | undefined {
  return identity.attributes.find((a) => a.name === name)?.value;
}

/** A comma list as fabric-ca reads hf.Registrar.Roles / .Attributes: `*`, exact names, or `prefix*`. */
export function listAllows(list: string, name: string): boolean {
  return list
    .split(',')
    .map((s) => s.trim())
    .some(
      (entry) =>
        entry === '*' || entry === name || (entry.endsWith('*') && name.startsWith(entry.slice(0, -1))),
    );
}

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(value);
}
