import assert from 'node:assert/strict';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  endorsementSatisfied,
  evaluateSignaturePolicy,
  fromSignaturePolicyEnvelope,
  majorityOfOrgsSatisfied,
  parseSignaturePolicy,
  PolicySyntaxError,
  signaturePolicyEnvelope,
} from './policy.js';
import type { PolicySigner } from './types.js';

const peer = (mspId: string): PolicySigner => ({ mspId, role: 'peer' });
const client = (mspId: string): PolicySigner => ({ mspId, role: 'client' });
const admin = (mspId: string): PolicySigner => ({ mspId, role: 'admin' });

function holds(text: string, signers: PolicySigner[]): boolean {
  return evaluateSignaturePolicy(parseSignaturePolicy(text), signers);
}

describe('msp/policy', () => {
  it('OR: any principal, member matches every role of the MSP', () => {
    const p = "OR('Org1MSP.peer','Org2MSP.member')";
    assert.equal(holds(p, [peer('Org1MSP')]), true);
    assert.equal(holds(p, [client('Org1MSP')]), false);
    assert.equal(holds(p, [client('Org2MSP')]), true);
    assert.equal(holds(p, [admin('Org3MSP')]), false);
    assert.equal(holds(p, []), false);
  });

  it('AND: every principal, each signer used once', () => {
    const p = "AND('Org1MSP.peer', 'Org2MSP.peer')";
    assert.equal(holds(p, [peer('Org1MSP'), peer('Org2MSP')]), true);
    assert.equal(holds(p, [peer('Org1MSP')]), false);
    assert.equal(holds(p, [peer('Org1MSP'), peer('Org1MSP')]), false);
    assert.equal(holds("AND('Org1MSP.member','Org1MSP.member')", [peer('Org1MSP')]), false);
    assert.equal(holds("AND('Org1MSP.member','Org1MSP.member')", [peer('Org1MSP'), client('Org1MSP')]), true);
  });

  it('OutOf(n, ...) and nesting, with role-specific principals', () => {
    const p = "OutOf(2, 'A.peer', 'B.peer', 'C.peer')";
    assert.equal(holds(p, [peer('A'), peer('C')]), true);
    assert.equal(holds(p, [peer('A'), client('C')]), false);
    const nested = "OR(AND('A.peer','B.peer'), 'C.admin')";
    assert.equal(holds(nested, [admin('C')]), true);
    assert.equal(holds(nested, [peer('C')]), false);
    assert.equal(holds(nested, [peer('A'), peer('B')]), true);
    assert.equal(holds("outof(1, 'Org1.orderer')", [{ mspId: 'Org1', role: 'orderer' }]), true);
    assert.equal(holds("OutOf('1', 'Org1.client')", [client('Org1')]), true);
  });

  it('a failed sub-rule does not consume signers (cauthdsl copies its used marks)', () => {
    // The AND fails (no B peer) after grabbing A's peer; the second rule must still be able to use it.
    const p = "OutOf(1, AND('A.peer','B.peer'), 'A.peer')";
    assert.equal(holds(p, [peer('A')]), true);
  });

  it('MSP ids with dots and dashes', () => {
    assert.equal(holds("OR('org1.example-msp.peer')", [peer('org1.example-msp')]), true);
  });

  it('compiles to the SignaturePolicyEnvelope Fabric makes and reads it back', () => {
    const envelope = signaturePolicyEnvelope("AND('Org1MSP.peer', OR('Org2MSP.member','Org1MSP.admin'))");
    const decoded = common.SignaturePolicyEnvelope.deserializeBinary(envelope.serializeBinary());
    assert.equal(decoded.getVersion(), 0);
    const ids = decoded.getIdentitiesList().map((p) => {
      assert.equal(p.getPrincipalClassification(), msp.MSPPrincipal.Classification.ROLE);
      const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
      return `${role.getMspIdentifier()}:${role.getRole()}`;
    });
    assert.deepEqual(ids, ['Org1MSP:3', 'Org2MSP:0', 'Org1MSP:1']);
    const rule = decoded.getRule();
    assert.ok(rule);
    assert.equal(rule.getNOutOf()?.getN(), 2);
    const first = rule.getNOutOf()?.getRulesList()[0];
    assert.ok(first);
    assert.equal(first.hasSignedBy(), true, 'signed_by 0 must be on the wire (oneof)');
    assert.equal(first.getSignedBy(), 0);
    assert.equal(rule.getNOutOf()?.getRulesList()[1]?.getNOutOf()?.getN(), 1);
    const back = fromSignaturePolicyEnvelope(decoded);
    assert.deepEqual(back, parseSignaturePolicy("AND('Org1MSP.peer', OR('Org2MSP.member','Org1MSP.admin'))"));
  });

  it('refuses bad policy text with PolicySyntaxError (code POLICY_SYNTAX)', () => {
    for (const [text, message] of [
      ["OR('Org1MSP.peer'", /expected '\)'/],
      ["XOR('Org1MSP.peer')", /unknown gate "XOR"/],
      ["OR('Org1MSP.boss')", /"Org1MSP.boss" is not a principal/],
      ["OutOf(3, 'A.peer', 'B.peer')", /needs between 0 and 2/],
      ["OR('A.peer') junk", /unexpected text after the policy/],
      ['', /expected AND\(, OR\(, OutOf\( or a quoted principal/],
    ] as const) {
      assert.throws(
        () => parseSignaturePolicy(text),
        (err: unknown) => {
          assert.ok(err instanceof PolicySyntaxError, text);
          const code: string = err.code;
          assert.equal(code, 'POLICY_SYNTAX');
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });

  it('MAJORITY of the channel orgs needs peers of more than half of them', () => {
    const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    assert.equal(majorityOfOrgsSatisfied(orgs, [peer('Org1MSP'), peer('Org2MSP')]), true);
    assert.equal(majorityOfOrgsSatisfied(orgs, [peer('Org1MSP'), peer('Org1MSP')]), false);
    assert.equal(majorityOfOrgsSatisfied(orgs, [peer('Org1MSP'), client('Org2MSP')]), false);
    assert.equal(majorityOfOrgsSatisfied(orgs, [peer('Org1MSP'), peer('Org9MSP')]), false);
    assert.equal(majorityOfOrgsSatisfied(['Org1MSP'], [peer('Org1MSP')]), true);
    assert.equal(majorityOfOrgsSatisfied(['Org1MSP', 'Org2MSP'], [peer('Org1MSP')]), false);
  });

  it('endorsementSatisfied decides for both spec kinds', () => {
    const orgs = ['Org1MSP'];
    assert.equal(endorsementSatisfied({ kind: 'majority-of-orgs' }, orgs, [peer('Org1MSP')]), true);
    assert.equal(endorsementSatisfied({ kind: 'majority-of-orgs' }, orgs, [client('Org1MSP')]), false);
    const spec = { kind: 'signature', text: "OR('Org1MSP.peer')" } as const;
    assert.equal(endorsementSatisfied(spec, orgs, [peer('Org1MSP')]), true);
    assert.equal(endorsementSatisfied(spec, orgs, [admin('Org1MSP')]), false);
  });
});
