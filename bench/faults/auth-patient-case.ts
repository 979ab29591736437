/**
 * A patient after another patient's record: every gateway route (auth-patient-routes.ts) with the attacker's own
 * token, then the same reads and writes sent straight to the peer with the attacker's own Fabric identity (its CA
 * certificate says role=patient, patientId=patient-2), to show the refusal is the chaincode's and not only the
 * gateway's. Nothing may be written, and nothing the attacker receives may hold the victim's PHI.
 */
import { checkLedgerUnchanged, checkVictimUnchanged } from './auth-ledger-checks.js';
import { AuthEvidence } from './auth-evidence.js';
import { callChaincode, type FabricAnswer } from './auth-fabric-direct.js';
import { ATTACKER_PATIENT_ID, AUTH_USERS, VICTIM_PATIENT_ID } from './auth-fixtures.js';
import { patientRouteAttacks } from './auth-patient-routes.js';
import { observedLogs, type AuthStack } from './auth-stack.js';
import type { FaultOutcome } from './fault-case.js';

export const PATIENT_CASE_ID = 'auth-patient-reads-another-patient';

interface ChaincodeAttack {
  name: string;
  kind: 'evaluate' | 'submit';
  transaction: string;
  args: string[];
  /** The chaincode error code expected, or a test of the successful result. */
  expected: string | ((result: string) => boolean);
}

function chaincodeAttacks(stack: AuthStack): ChaincodeAttack[] {
  const victim = VICTIM_PATIENT_ID;
  const observation = stack.fixtures.victimObservationId;
  const chaincodeBookmark = Buffer.from(
    `\u0000patient~type~id\u0000${victim}\u0000Observation\u0000`,
  ).toString('base64url');
  const intruder = {
    resourceType: 'Observation',
    id: `obs-intruder-${stack.fixtures.tag}`,
    status: 'final',
    code: { text: 'x' },
    subject: { reference: `Patient/${victim}` },
  };
  const hijack = { resourceType: 'Patient', id: victim, name: [{ family: 'Hijacked' }] };
  return [
    {
      name: 'ReadRecord of the victim’s Patient',
      kind: 'evaluate',
      transaction: 'ReadRecord',
      args: ['Patient', victim],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'ReadRecord of the victim’s Observation',
      kind: 'evaluate',
      transaction: 'ReadRecord',
      args: ['Observation', observation],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'ReadRecord of an absent record',
      kind: 'evaluate',
      transaction: 'ReadRecord',
      args: ['Observation', 'obs-none'],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'GetRecordHistory of the victim’s Patient',
      kind: 'evaluate',
      transaction: 'GetRecordHistory',
      args: ['Patient', victim],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'GetRecordHistory of an absent record',
      kind: 'evaluate',
      transaction: 'GetRecordHistory',
      args: ['Observation', 'obs-none'],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'GetRecordHistory of the record moved from the victim (own version only)',
      kind: 'evaluate',
      transaction: 'GetRecordHistory',
      args: ['Observation', stack.fixtures.moved.first.id ?? ''],
      expected: (result) => (JSON.parse(result) as unknown[]).length === 1,
    },
    {
      name: 'ListPatientRecords of the victim',
      kind: 'evaluate',
      transaction: 'ListPatientRecords',
      args: [victim, '', '50', ''],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'ListPatientRecords of own compartment with a bookmark into the victim’s',
      kind: 'evaluate',
      transaction: 'ListPatientRecords',
      args: [ATTACKER_PATIENT_ID, 'Observation', '50', chaincodeBookmark],
      expected: 'CC_ERR_INVALID_ARGUMENT',
    },
    {
      name: 'ResearchQuery (regulators only)',
      kind: 'evaluate',
      transaction: 'ResearchQuery',
      args: ['Patient', '', '50', ''],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'UpdatePatientAddress of the victim',
      kind: 'submit',
      transaction: 'UpdatePatientAddress',
      args: [victim, JSON.stringify([{ city: 'Elsewhere' }])],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'UpdateRecord over the victim’s Patient',
      kind: 'submit',
      transaction: 'UpdateRecord',
      args: [JSON.stringify(hijack), '1'],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'CreateRecord into the victim’s compartment',
      kind: 'submit',
      transaction: 'CreateRecord',
      args: [JSON.stringify(intruder)],
      expected: 'CC_ERR_FORBIDDEN',
    },
    {
      name: 'CreateRecords into the victim’s compartment',
      kind: 'submit',
      transaction: 'CreateRecords',
      args: [JSON.stringify([intruder])],
      expected: 'CC_ERR_FORBIDDEN',
    },
  ];
}

function holds(attack: ChaincodeAttack, answer: FabricAnswer): boolean {
  if (typeof attack.expected === 'function') return answer.ok && attack.expected(answer.text);
  return !answer.ok && answer.text.includes(attack.expected);
}

export async function patientAttacks(stack: AuthStack): Promise<FaultOutcome> {
  const evidence = new AuthEvidence(stack.fixtures.phi);
  const token = await stack.login(AUTH_USERS.attacker);
  const heightBefore = await stack.ledgerHeight();
  const routes = patientRouteAttacks(stack.fixtures);
  for (const attack of routes) {
    const answer = await stack.send({ ...attack.request, token });
    const asExpected = evidence.answer(`gateway: ${attack.name}`, answer, attack.expected);
    if (asExpected && attack.bodyHolds !== undefined && !attack.bodyHolds(answer.body)) {
      evidence.check(`gateway: ${attack.name}`, false, `${answer.status}, body not as expected`);
    }
  }
  const identity = await stack.fabricIdentity(AUTH_USERS.attacker);
  const direct = chaincodeAttacks(stack);
  for (const attack of direct) {
    const answer = await callChaincode(stack, identity, attack.kind, attack.transaction, attack.args);
    const name = `chaincode: ${attack.name}`;
    evidence.fabric(name, answer, holds(attack, answer));
  }
  const heightAfter = await checkLedgerUnchanged(evidence, stack, heightBefore);
  await checkVictimUnchanged(evidence, stack);
  const provider = await stack.login(AUTH_USERS.provider);
  const intruder = await stack.send({
    method: 'GET',
    path: `/fhir/Observation/obs-intruder-${stack.fixtures.tag}`,
    token: provider,
  });
  evidence.check(
    'nothing written: no intruder Observation exists',
    intruder.status === 404,
    String(intruder.status),
  );

  return evidence.outcome(
    {
      id: PATIENT_CASE_ID,
      done:
        `Patient patient-2 tried ${routes.length} gateway routes at patient-1's records (read, id case/encoding ` +
        'tricks, conditional reads and writes, every search parameter, a forged page token, $everything, _history, ' +
        `batch and transaction Bundles), then ${direct.length} chaincode calls straight at the peer with its own ` +
        'Fabric identity.',
      summary: `Ledger height ${heightBefore} → ${heightAfter}.`,
    },
    observedLogs(stack),
    stack.fixtures.logOnly,
    { ledgerHeightBefore: heightBefore, ledgerHeightAfter: heightAfter },
  );
}
