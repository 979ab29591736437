/**
 * The gateway's endorsement collection with the other peers faked at the gRPC boundary (RemoteEndorser) and the
 * policy as the committing peers evaluate it (MAJORITY of three orgs through the channel policy evaluator's rule:
 * 2 distinct orgs). The paper integration test drives the same code through real peers; this covers the branches
 * a healthy network never takes: mismatched payloads, a chaincode refusal, every peer of an org down.
 */
import assert from 'node:assert/strict';
import { peer } from '@hyperledger/fabric-protos';
import {
  collectEndorsements,
  EndorserUnreachableError,
  type CollectorDeps,
  type RemoteEndorser,
} from './endorsement-collector.js';

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];

function response(payload: string, status = 200, endorser = 'x'): peer.ProposalResponse {
  const result = new peer.Response();
  result.setStatus(status);
  result.setMessage(status >= 400 ? 'chaincode said no' : '');
  const answer = new peer.ProposalResponse();
  answer.setResponse(result);
  answer.setPayload(Buffer.from(payload));
  if (status < 400) {
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(Buffer.from(endorser));
    endorsement.setSignature(Buffer.from(`sig-${endorser}`));
    answer.setEndorsement(endorsement);
  }
  return answer;
}

const calls: string[] = [];
function remote(
  address: string,
  mspId: string,
  answer: () => Promise<peer.ProposalResponse>,
): RemoteEndorser {
  return {
    address,
    mspId,
    processProposal: () => {
      calls.push(address);
      return answer();
    },
  };
}
const down = (address: string, mspId: string) =>
  remote(address, mspId, () => Promise.reject(new EndorserUnreachableError(`${address} is down`)));
const ok = (address: string, mspId: string, payload = 'rwset') =>
  remote(address, mspId, () => Promise.resolve(response(payload, 200, address)));

function deps(peers: Record<string, RemoteEndorser[]>): CollectorDeps {
  return {
    self: { address: 'peer0.org1:7051', mspId: 'Org1MSP' },
    orgs: ORGS,
    peers: new Map(Object.entries(peers)),
    satisfied: (_chaincode, endorsers) => new Set(endorsers.map((e) => e.mspId)).size >= 2,
  };
}

const local = { response: response('rwset', 200, 'peer0.org1') };
const signed = new peer.SignedProposal();
const endorsersOf = (result: Awaited<ReturnType<typeof collectEndorsements>>) =>
  result.ok ? result.endorsements.map((e) => Buffer.from(e.getEndorser_asU8()).toString()) : [];

describe('collectEndorsements (gateway, several organisations)', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('stops as soon as the policy is met: local org, then the next org', async () => {
    const result = await collectEndorsements(
      deps({ Org2MSP: [ok('peer0.org2', 'Org2MSP')], Org3MSP: [ok('peer0.org3', 'Org3MSP')] }),
      signed,
      'basic',
      local,
      [],
    );
    assert.deepEqual(endorsersOf(result), ['peer0.org1', 'peer0.org2']);
    assert.deepEqual(calls, ['peer0.org2']);
  });

  it("uses the org's next peer when one is down, and the next org when all of an org's peers are", async () => {
    const twoDown = await collectEndorsements(
      deps({
        Org2MSP: [down('peer0.org2', 'Org2MSP'), down('peer1.org2', 'Org2MSP')],
        Org3MSP: [down('peer0.org3', 'Org3MSP'), ok('peer1.org3', 'Org3MSP')],
      }),
      signed,
      'basic',
      local,
      [],
    );
    assert.deepEqual(endorsersOf(twoDown), ['peer0.org1', 'peer1.org3']);
    assert.deepEqual(calls, ['peer0.org2', 'peer1.org2', 'peer0.org3', 'peer1.org3']);
  });

  it('refuses responses whose payloads differ: ProposalResponsePayloads do not match', async () => {
    const result = await collectEndorsements(
      deps({ Org2MSP: [ok('peer0.org2', 'Org2MSP', 'another rwset')] }),
      signed,
      'basic',
      local,
      [],
    );
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.kind, 'aborted');
    assert.equal(
      result.message,
      'failed to collect enough transaction endorsements, see attached details for more info',
    );
    assert.deepEqual(
      result.details.map((d) => d.message),
      ['ProposalResponsePayloads do not match'],
    );
  });

  it("stops at a chaincode refusal from another org's peer (its other peer would refuse too)", async () => {
    const result = await collectEndorsements(
      deps({
        Org2MSP: [
          remote('peer0.org2', 'Org2MSP', () => Promise.resolve(response('', 500))),
          ok('peer1.org2', 'Org2MSP'),
        ],
      }),
      signed,
      'basic',
      local,
      [],
    );
    assert.ok(!result.ok);
    assert.equal(result.message, 'failed to endorse transaction, see attached details for more info');
    assert.deepEqual(result.details, [
      { address: 'peer0.org2', mspId: 'Org2MSP', message: 'chaincode response 500, chaincode said no' },
    ]);
    assert.deepEqual(calls, ['peer0.org2']);
  });

  it('fails to collect when no majority of orgs has a live peer', async () => {
    const result = await collectEndorsements(
      deps({ Org2MSP: [down('peer0.org2', 'Org2MSP')], Org3MSP: [down('peer0.org3', 'Org3MSP')] }),
      signed,
      'basic',
      local,
      [],
    );
    assert.ok(!result.ok);
    assert.equal(result.kind, 'aborted');
    assert.deepEqual(
      result.details.map((d) => `${d.address}: ${d.message}`),
      ['peer0.org2: peer0.org2 is down', 'peer0.org3: peer0.org3 is down'],
    );
  });

  it('endorses on exactly the named orgs, and says UNAVAILABLE for a named org with no peers', async () => {
    const named = await collectEndorsements(
      deps({ Org2MSP: [ok('peer0.org2', 'Org2MSP')], Org3MSP: [ok('peer0.org3', 'Org3MSP')] }),
      signed,
      'basic',
      local,
      ['Org3MSP', 'Org2MSP'],
    );
    assert.deepEqual(endorsersOf(named), ['peer0.org3', 'peer0.org2']);
    const unknown = await collectEndorsements(deps({}), signed, 'basic', local, ['Org9MSP']);
    assert.ok(!unknown.ok);
    assert.equal(unknown.kind, 'unavailable');
    assert.equal(unknown.message, 'no endorsing peers found for organizations: ["Org9MSP"]');
  });
});
