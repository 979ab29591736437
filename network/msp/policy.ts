/**
 * Endorsement policies. Two forms, as a Fabric channel has them:
 * - signature policies written in Fabric's policy language (common/policydsl/policyparser.go):
 *   `OR('Org1MSP.peer','Org2MSP.member')`, `AND(...)`, `OutOf(n, ...)`, nested, roles member/admin/client/peer/
 *   orderer. Compiled to common.SignaturePolicyEnvelope the way Fabric does (one principal per mention, in order,
 *   AND = OutOf(all), OR = OutOf(1)), and evaluated like common/cauthdsl: each signer satisfies at most one
 *   principal, a sub-rule's use of signers is only kept when that sub-rule is satisfied;
 * - the channel's implicit `MAJORITY Endorsement`: more than half of the application orgs must each have a peer
 *   endorsement (each org's Endorsement policy in the test network's configtx.yaml is `OR('<Org>.peer')`).
 *
 * Signers must already be distinct identities (Fabric de-duplicates signed data by identity before evaluating).
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { EndorsementPolicySpec, NodeOuRole, PolicySigner } from './types.js';

export type PrincipalRole = NodeOuRole | 'member';

export interface Principal {
  readonly mspId: string;
  readonly role: PrincipalRole;
}

/** The policy tree: `signedBy` indexes `principals`, as in common.SignaturePolicy. */
export type PolicyRule =
  { readonly signedBy: number } | { readonly n: number; readonly rules: readonly PolicyRule[] };

export interface ParsedSignaturePolicy {
  readonly principals: readonly Principal[];
  readonly rule: PolicyRule;
}

export class PolicySyntaxError extends Error {
  readonly code = 'POLICY_SYNTAX';
  constructor(
    readonly policy: string,
    readonly position: number,
    detail: string,
  ) {
    super(`${detail} at offset ${position} of policy "${policy}"`);
    this.name = 'PolicySyntaxError';
  }
}

const ROLE_CODES: Record<PrincipalRole, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]> = {
  member: msp.MSPRole.MSPRoleType.MEMBER,
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  client: msp.MSPRole.MSPRoleType.CLIENT,
  peer: msp.MSPRole.MSPRoleType.PEER,
  orderer: msp.MSPRole.MSPRoleType.ORDERER,
};

/** Fabric's principal syntax: an MSP id (alphanumerics, dots, dashes), a dot, a role. */
const PRINCIPAL = /^([A-Za-z0-9.-]+)\.(member|admin|client|peer|orderer)$/;

/** Parses policy text into principals + rule tree; throws PolicySyntaxError. */
export function parseSignaturePolicy(text: string): ParsedSignaturePolicy {
  const principals: Principal[] = [];
  let pos = 0;
  const fail = (detail: string): never => {
    throw new PolicySyntaxError(text, pos, detail);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };
  const parseExpr = (): PolicyRule => {
    skipSpace();
    const quote = text[pos];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated principal string');
      const literal = text.slice(pos + 1, end);
      const match = PRINCIPAL.exec(literal);
      if (match === null)
        fail(`"${literal}" is not a principal of the form <MSPID>.<member|admin|client|peer|orderer>`);
      principals.push({ mspId: match?.[1] ?? '', role: (match?.[2] ?? 'member') as PrincipalRole });
      pos = end + 1;
      return { signedBy: principals.length - 1 };
    }
    const word = /^[A-Za-z]+/.exec(text.slice(pos))?.[0];
    if (word === undefined) fail('expected AND(, OR(, OutOf( or a quoted principal');
    const gate = (word ?? '').toLowerCase();
    if (gate !== 'and' && gate !== 'or' && gate !== 'outof') fail(`unknown gate "${word ?? ''}"`);
    pos += (word ?? '').length;
    expect('(');
    let n: number | undefined;
    if (gate === 'outof') {
      skipSpace();
      const digits = /^'?(\d+)'?/.exec(text.slice(pos));
      if (digits === null) fail('OutOf needs a number as its first argument');
      n = Number(digits?.[1]);
      pos += digits?.[0].length ?? 0;
      expect(',');
    }
    const rules: PolicyRule[] = [parseExpr()];
    skipSpace();
    while (text[pos] === ',') {
      pos++;
      rules.push(parseExpr());
      skipSpace();
    }
    expect(')');
    if (gate === 'and') n = rules.length;
    if (gate === 'or') n = 1;
    if (n === undefined || n < 0 || n > rules.length) {
      fail(`OutOf(${String(n)}, ...) needs between 0 and ${rules.length} (the number of its rules)`);
    }
    return { n: n ?? 0, rules };
  };
  const rule = parseExpr();
  skipSpace();
  if (pos !== text.length) fail('unexpected text after the policy');
  return { principals, rule };
}

/** The policy as Fabric stores it in a chaincode definition / collection config. */
export function toSignaturePolicyEnvelope(parsed: ParsedSignaturePolicy): common.SignaturePolicyEnvelope {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(toProtoRule(parsed.rule));
  envelope.setIdentitiesList(
    parsed.principals.map((p) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(p.mspId);
      role.setRole(ROLE_CODES[p.role]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  return envelope;
}

export function signaturePolicyEnvelope(text: string): common.SignaturePolicyEnvelope {
  return toSignaturePolicyEnvelope(parseSignaturePolicy(text));
}

function toProtoRule(rule: PolicyRule): common.SignaturePolicy {
  const out = new common.SignaturePolicy();
  if ('signedBy' in rule) {
    out.setSignedBy(rule.signedBy);
  } else {
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(rule.n);
    nOutOf.setRulesList(rule.rules.map(toProtoRule));
    out.setNOutOf(nOutOf);
  }
  return out;
}

/** Reads an envelope back (e.g. from a committed chaincode definition); only ROLE principals are supported. */
export function fromSignaturePolicyEnvelope(envelope: common.SignaturePolicyEnvelope): ParsedSignaturePolicy {
  const roleNames = Object.fromEntries(Object.entries(ROLE_CODES).map(([k, v]) => [v, k])) as Record<
    number,
    PrincipalRole
  >;
  const principals = envelope.getIdentitiesList().map((p, i): Principal => {
    if (p.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
      throw new Error(`principal ${i} is not a ROLE principal; only ROLE principals are supported`);
    }
    const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    const name = roleNames[role.getRole()];
    if (name === undefined) throw new Error(`principal ${i} has unknown role ${role.getRole()}`);
    return { mspId: role.getMspIdentifier(), role: name };
  });
  const rule = envelope.getRule();
  if (rule === undefined) throw new Error('signature policy envelope has no rule');
  return { principals, rule: fromProtoRule(rule) };
}

function fromProtoRule(rule: common.SignaturePolicy): PolicyRule {
  const nOutOf = rule.getNOutOf();
  if (nOutOf !== undefined) return { n: nOutOf.getN(), rules: nOutOf.getRulesList().map(fromProtoRule) };
  return { signedBy: rule.getSignedBy() };
}

/** With NodeOUs on, `member` is any identity of the MSP; the other roles need that NodeOU. */
export function satisfiesPrincipal(signer: PolicySigner, principal: Principal): boolean {
  return signer.mspId === principal.mspId && (principal.role === 'member' || principal.role === signer.role);
}

/** cauthdsl evaluation: true when the signers satisfy the policy, each signer used for at most one principal. */
export function evaluateSignaturePolicy(
  policy: ParsedSignaturePolicy,
  signers: readonly PolicySigner[],
): boolean {
  const used = new Array<boolean>(signers.length).fill(false);
  return evaluateRule(policy.rule, policy.principals, signers, used);
}

function evaluateRule(
  rule: PolicyRule,
  principals: readonly Principal[],
  signers: readonly PolicySigner[],
  used: boolean[],
): boolean {
  if ('signedBy' in rule) {
    const principal = principals[rule.signedBy];
    if (principal === undefined) return false;
    for (let i = 0; i < signers.length; i++) {
      const signer = signers[i];
      if (used[i] !== true && signer !== undefined && satisfiesPrincipal(signer, principal)) {
        used[i] = true;
        return true;
      }
    }
    return false;
  }
  let satisfied = 0;
  for (const sub of rule.rules) {
    // A sub-rule works on a copy; its marks are kept only if it is satisfied (cauthdsl's _used / copy).
    const trial = [...used];
    if (evaluateRule(sub, principals, signers, trial)) {
      satisfied++;
      for (let i = 0; i < used.length; i++) used[i] = trial[i] ?? false;
    }
  }
  return satisfied >= rule.n;
}

/** ImplicitMeta MAJORITY over the orgs' `OR('<Org>.peer')` Endorsement policies: > half the orgs endorsed. */
export function majorityOfOrgsSatisfied(
  channelOrgs: readonly string[],
  endorsers: readonly PolicySigner[],
): boolean {
  const orgs = new Set(channelOrgs);
  const endorsed = new Set(
    endorsers.filter((e) => e.role === 'peer' && orgs.has(e.mspId)).map((e) => e.mspId),
  );
  return endorsed.size > orgs.size / 2;
}

const compiled = new Map<string, ParsedSignaturePolicy>();

/**
 * The decision behind CommitPolicies.endorsementSatisfied for one chaincode: its spec, the channel's application
 * org MSP ids and the endorsers of the transaction. Parsed policies are cached by their text.
 */
export function endorsementSatisfied(
  spec: EndorsementPolicySpec,
  channelOrgs: readonly string[],
  endorsers: readonly PolicySigner[],
): boolean {
  if (spec.kind === 'majority-of-orgs') return majorityOfOrgsSatisfied(channelOrgs, endorsers);
  let policy = compiled.get(spec.text);
  if (policy === undefined) {
    policy = parseSignaturePolicy(spec.text);
    compiled.set(spec.text, policy);
  }
  return evaluateSignaturePolicy(policy, endorsers);
}
