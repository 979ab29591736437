/**
 * Fabric's channel policies in plain data: how configtxgen encodes the test network's policies (Signature policies
 * over MSPRole principals, ImplicitMeta policies over sub-groups) and how they are evaluated for a set of signers.
 * Pure: no crypto here; callers pass signers whose signatures and certificates were already checked.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { evaluateSignaturePolicy, type PolicyRule } from '../msp/policy.js';
import type { PolicySigner } from '../msp/types.js';

/** msp.MSPRole.MSPRoleType names as the policy DSL writes them ('Org1MSP.peer'). */
export type PrincipalRole = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

export interface Principal {
  readonly mspId: string;
  readonly role: PrincipalRole;
  /**
   * Set for principals the devnet cannot evaluate (IDENTITY, ORGANIZATION_UNIT, … classifications, as a hand-made
   * configtx may hold): kept so the rule's indices stay right, never satisfied.
   */
  readonly unsupported?: string;
}

export type SignatureRule =
  | { readonly signedBy: number }
  | { readonly nOutOf: { readonly n: number; readonly rules: readonly SignatureRule[] } };

export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

export type ChannelPolicy =
  | { readonly type: 'signature'; readonly rule: SignatureRule; readonly identities: readonly Principal[] }
  | { readonly type: 'implicitMeta'; readonly subPolicy: string; readonly rule: ImplicitMetaRule };

/** A config group's policies and sub-groups, enough to evaluate ImplicitMeta policies. */
export interface PolicyGroup {
  readonly policies: Readonly<Record<string, ChannelPolicy>>;
  readonly groups: Readonly<Record<string, PolicyGroup>>;
}

const ROLE_NUMBER: Record<PrincipalRole, number> = { member: 0, admin: 1, client: 2, peer: 3, orderer: 4 };
const ROLE_NAME: Record<number, PrincipalRole> = {
  0: 'member',
  1: 'admin',
  2: 'client',
  3: 'peer',
  4: 'orderer',
};
const META_NUMBER: Record<ImplicitMetaRule, number> = { ANY: 0, ALL: 1, MAJORITY: 2 };
const META_NAME: Record<number, ImplicitMetaRule> = { 0: 'ANY', 1: 'ALL', 2: 'MAJORITY' };

/** OR('A.x', 'B.y', ...) as policydsl compiles it: NOutOf(1, [SignedBy(0), SignedBy(1), ...]). */
export function anyOf(principals: readonly Principal[]): ChannelPolicy {
  return {
    type: 'signature',
    rule: { nOutOf: { n: 1, rules: principals.map((_, index) => ({ signedBy: index })) } },
    identities: principals,
  };
}

export function implicitMeta(rule: ImplicitMetaRule, subPolicy: string): ChannelPolicy {
  return { type: 'implicitMeta', subPolicy, rule };
}

function encodeRule(rule: SignatureRule): common.SignaturePolicy {
  const out = new common.SignaturePolicy();
  if ('signedBy' in rule) {
    out.setSignedBy(rule.signedBy);
  } else {
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(rule.nOutOf.n);
    nOutOf.setRulesList(rule.nOutOf.rules.map(encodeRule));
    out.setNOutOf(nOutOf);
  }
  return out;
}

/** common.Policy{type, value} for a ConfigPolicy. */
export function encodePolicy(policy: ChannelPolicy): common.Policy {
  const out = new common.Policy();
  if (policy.type === 'signature') {
    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setVersion(0);
    envelope.setRule(encodeRule(policy.rule));
    envelope.setIdentitiesList(
      policy.identities.map((principal) => {
        const role = new msp.MSPRole();
        role.setMspIdentifier(principal.mspId);
        role.setRole(
          ROLE_NUMBER[principal.role] as msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap],
        );
        const mspPrincipal = new msp.MSPPrincipal();
        mspPrincipal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
        mspPrincipal.setPrincipal(role.serializeBinary());
        return mspPrincipal;
      }),
    );
    out.setType(common.Policy.PolicyType.SIGNATURE);
    out.setValue(envelope.serializeBinary());
  } else {
    const meta = new common.ImplicitMetaPolicy();
    meta.setSubPolicy(policy.subPolicy);
    meta.setRule(
      META_NUMBER[policy.rule] as common.ImplicitMetaPolicy.RuleMap[keyof common.ImplicitMetaPolicy.RuleMap],
    );
    out.setType(common.Policy.PolicyType.IMPLICIT_META);
    out.setValue(meta.serializeBinary());
  }
  return out;
}

function decodeRule(rule: common.SignaturePolicy): SignatureRule {
  const nOutOf = rule.getNOutOf();
  if (nOutOf) return { nOutOf: { n: nOutOf.getN(), rules: nOutOf.getRulesList().map(decodeRule) } };
  return { signedBy: rule.getSignedBy() };
}

export class PolicyDecodeError extends Error {
  readonly code = 'POLICY_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'PolicyDecodeError';
  }
}

export function decodePolicy(policy: common.Policy): ChannelPolicy {
  if (policy.getType() === common.Policy.PolicyType.SIGNATURE) {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    const rule = envelope.getRule();
    if (!rule) throw new PolicyDecodeError('signature policy envelope has no rule');
    const identities = envelope.getIdentitiesList().map((principal): Principal => {
      if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
        return {
          mspId: '',
          role: 'member',
          unsupported: `principal classification ${principal.getPrincipalClassification()}`,
        };
      }
      const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
      const name = ROLE_NAME[role.getRole()];
      if (!name) throw new PolicyDecodeError(`MSP role ${role.getRole()} is unknown`);
      return { mspId: role.getMspIdentifier(), role: name };
    });
    return { type: 'signature', rule: decodeRule(rule), identities };
  }
  if (policy.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const rule = META_NAME[meta.getRule()];
    if (!rule) throw new PolicyDecodeError(`implicit meta rule ${meta.getRule()} is unknown`);
    return { type: 'implicitMeta', subPolicy: meta.getSubPolicy(), rule };
  }
  throw new PolicyDecodeError(`policy type ${policy.getType()} is not supported`);
}

/** The config's rule in the MSP evaluator's shape; an unsupported principal becomes one no signer can match. */
function toPolicyRule(rule: SignatureRule): PolicyRule {
  return 'signedBy' in rule
    ? { signedBy: rule.signedBy }
    : { n: rule.nOutOf.n, rules: rule.nOutOf.rules.map(toPolicyRule) };
}

const NOBODY = { mspId: '', role: 'member' } as const;

export type PolicyResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Evaluates the policy `name` of `group` (e.g. the channel group and 'Writers') for already-verified signers.
 * Failure messages are Fabric's (common/policies/implicitmeta.go, cauthdsl).
 */
export function evaluatePolicy(
  group: PolicyGroup,
  name: string,
  signers: readonly PolicySigner[],
): PolicyResult {
  const policy = group.policies[name];
  if (!policy) return { ok: false, message: `could not find policy ${name}` };
  if (policy.type === 'signature') {
    return evaluateSignaturePolicy(
      {
        principals: policy.identities.map((principal) =>
          principal.unsupported === undefined ? principal : NOBODY,
        ),
        rule: toPolicyRule(policy.rule),
      },
      signers,
    )
      ? { ok: true }
      : { ok: false, message: 'signature set did not satisfy policy' };
  }
  const subGroups = Object.values(group.groups);
  const threshold =
    policy.rule === 'ANY'
      ? 1
      : policy.rule === 'ALL'
        ? subGroups.length
        : Math.floor(subGroups.length / 2) + 1;
  let satisfied = 0;
  for (const sub of subGroups) {
    if (evaluatePolicy(sub, policy.subPolicy, signers).ok) satisfied++;
    if (satisfied >= threshold) return { ok: true };
  }
  if (threshold === 0) return { ok: true };
  return {
    ok: false,
    message: `implicit policy evaluation failed - ${satisfied} sub-policies were satisfied, but this policy requires ${threshold} of the '${policy.subPolicy}' sub-policies to be satisfied`,
  };
}
