/**
 * The pure parts of the auth cases: the fixtures' PHI strings, the leak count, and how observed answers become a
 * verdict (a wrong status, a wrong code, a missing challenge or one leaked string each fail the case).
 */
import assert from 'node:assert/strict';
import { AuthEvidence, INVALID_TOKEN_CHALLENGE, outcomeCodeOf } from './auth-evidence.js';
import { authFixtures, countOccurrences } from './auth-fixtures.js';
import type { HttpAnswer } from './auth-stack.js';
import { forgedPageToken } from './auth-patient-routes.js';

const outcomeBody = (code: string): string =>
  JSON.stringify({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'login',
        details: { coding: [{ system: 'urn:fhirledger:error-code', code }] },
      },
    ],
  });
const answer = (status: number, body: string, challenge?: string): HttpAnswer => ({
  status,
  body,
  headers: new Headers(challenge === undefined ? {} : { 'www-authenticate': challenge }),
});
const refused = { status: 401, code: 'GW_INVALID_TOKEN', challenge: INVALID_TOKEN_CHALLENGE } as const;

describe('auth case fixtures and evidence', () => {
  it('makes PHI strings unique to the run tag, and refuses a tag that is not hex', () => {
    const one = authFixtures('0a1b2c3d4e');
    const two = authFixtures('ffeeddccbb');
    assert.equal(one.phi.length, 10);
    assert.equal(new Set(one.phi).size, one.phi.length);
    assert.ok(one.phi.every((text) => !two.phi.includes(text)));
    assert.match(one.phi[2] ?? '', /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
    assert.throws(() => authFixtures('Robert'), /not 8\+ lowercase hex/);
  });

  it('counts every occurrence of every PHI string', () => {
    assert.equal(countOccurrences('abc xx abc yabcz', ['abc', 'y', 'q']), 4);
    assert.equal(countOccurrences('anything', ['']), 0);
  });

  it('reads the error code of an OperationOutcome, and nothing from other bodies', () => {
    assert.equal(outcomeCodeOf(outcomeBody('CC_ERR_FORBIDDEN')), 'CC_ERR_FORBIDDEN');
    assert.equal(outcomeCodeOf('{"resourceType":"Patient"}'), undefined);
    assert.equal(outcomeCodeOf('not json'), undefined);
  });

  it('passes only when status, code and challenge are as expected and nothing leaked', () => {
    const evidence = new AuthEvidence(['Vexhollow']);
    assert.equal(
      evidence.answer(
        'right',
        answer(401, outcomeBody('GW_INVALID_TOKEN'), INVALID_TOKEN_CHALLENGE),
        refused,
      ),
      true,
    );
    assert.equal(
      evidence.answer(
        'wrong status',
        answer(403, outcomeBody('GW_INVALID_TOKEN'), INVALID_TOKEN_CHALLENGE),
        refused,
      ),
      false,
    );
    assert.equal(
      evidence.answer(
        'wrong code',
        answer(401, outcomeBody('GW_UNAUTHENTICATED'), INVALID_TOKEN_CHALLENGE),
        refused,
      ),
      false,
    );
    assert.equal(
      evidence.answer('no challenge', answer(401, outcomeBody('GW_INVALID_TOKEN')), refused),
      false,
    );
    const outcome = evidence.outcome({ id: 'x', done: 'd', summary: 's.' }, { gateway: 'line\n' }, []);
    assert.equal(outcome.passed, false);
    assert.deepEqual(evidence.failing(), ['wrong status', 'wrong code', 'no challenge']);
    assert.equal(
      outcome.details?.observed && (outcome.details.observed as Record<string, string>).right,
      `401 GW_INVALID_TOKEN (${INVALID_TOKEN_CHALLENGE})`,
    );
  });

  it('fails a case whose answers all held when a PHI string was received or logged', () => {
    const received = new AuthEvidence(['Vexhollow']);
    received.answer('leaky', answer(403, `${outcomeBody('CC_ERR_FORBIDDEN')} Vexhollow`), { status: 403 });
    const outcome = received.outcome({ id: 'x', done: 'd', summary: 's.' }, { gateway: '' }, []);
    assert.equal(outcome.phiLeaks, 1);
    assert.equal(outcome.passed, false);
    assert.match(outcome.happened, /1 in what the attacker received \(leaky\)/);

    const logged = new AuthEvidence(['Vexhollow']);
    logged.check('fine', true);
    const fromLog = logged.outcome(
      { id: 'x', done: 'd', summary: 's.' },
      { gateway: '{"id":"obs-victim-1"}\nVexhollow\n', devnet: { 'peer.log': 'Vexhollow' } },
      ['obs-victim-1'],
    );
    assert.equal(fromLog.phiLeaks, 2);
    assert.equal(fromLog.passed, false);
    assert.equal(fromLog.checks['no PHI in answers or the gateway log'], false);
    // The nodes' logs are on the record, outside the verdict (the gateway's log is the promise).
    assert.deepEqual(fromLog.details?.phiInDevnetLogs, { 'peer.log': 1 });
  });

  it('forges a page token that decodes to the start of another patient’s index range', () => {
    const token = forgedPageToken('patient-1', 'Observation');
    assert.match(token, /^b1\.[A-Za-z0-9_-]+$/);
    const chaincodeBookmark = Buffer.from(token.slice(3), 'base64url').toString('utf8');
    assert.equal(
      Buffer.from(chaincodeBookmark, 'base64url').toString('utf8'),
      '\u0000patient~type~id\u0000patient-1\u0000Observation\u0000',
    );
  });
});
