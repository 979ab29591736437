/**
 * A regulator asking for identified data. Documented (gateway/README.md, chaincode/README.md "De-identification"):
 * every read, history, compartment search and `$everything` is 403 `CC_ERR_FORBIDDEN` (the chaincode allows a
 * regulator ResearchQuery only); the research query answers de-identified records — no names, identifiers,
 * telecom, addresses below state, notes; birth dates cut to the year; ids and references pseudonymised — whatever
 * parameters ask for more. Checked through the gateway and straight at the chaincode with the regulator's identity.
 */
import { checkLedgerUnchanged } from './auth-ledger-checks.js';
import { AuthEvidence } from './auth-evidence.js';
import { callChaincode } from './auth-fabric-direct.js';
import { AUTH_USERS, VICTIM_PATIENT_ID, type AuthFixtures } from './auth-fixtures.js';
import { observedLogs, type AuthStack } from './auth-stack.js';
import type { FaultOutcome } from './fault-case.js';

export const REGULATOR_CASE_ID = 'auth-regulator-asks-for-identified-data';

interface ResearchEntry {
  resource?: { resourceType?: string; id?: string; birthDate?: string };
}

/** True when a research answer carries records, none under a real id, every birth date cut to the year. */
function deidentified(resources: readonly ResearchEntry['resource'][], fixtures: AuthFixtures): boolean {
  const realIds = [VICTIM_PATIENT_ID, fixtures.victimObservationId, ...fixtures.logOnly];
  return (
    resources.length > 0 &&
    resources.every(
      (resource) =>
        resource !== undefined &&
        !realIds.includes(resource.id ?? '') &&
        /^[0-9a-f]{64}$/.test(resource.id ?? '') &&
        (resource.birthDate === undefined || /^[0-9]{4}$/.test(resource.birthDate)),
    ) &&
    !realIds.some((id) => JSON.stringify(resources).includes(id))
  );
}

export async function regulatorAttacks(stack: AuthStack): Promise<FaultOutcome> {
  const evidence = new AuthEvidence(stack.fixtures.phi);
  const token = await stack.login(AUTH_USERS.regulator);
  const victim = VICTIM_PATIENT_ID;
  const observation = stack.fixtures.victimObservationId;
  const [family = '', , birthDate = '', mrn = ''] = stack.fixtures.phi;
  const forbidden = { status: 403, code: 'CC_ERR_FORBIDDEN' } as const;
  const refused: Record<string, string> = {
    'read the Patient': `/fhir/Patient/${victim}`,
    'read with _elements=name,birthDate': `/fhir/Patient/${victim}?_elements=name,birthDate`,
    'read the Observation': `/fhir/Observation/${observation}`,
    'history of the Patient': `/fhir/Patient/${victim}/_history`,
    $everything: `/fhir/Patient/${victim}/$everything`,
    'compartment search': `/fhir/Observation?patient=${victim}`,
    'compartment search with _include of the subject': `/fhir/Observation?patient=${victim}&_include=Observation:subject`,
  };
  const heightBefore = await stack.ledgerHeight();
  for (const [name, path] of Object.entries(refused)) {
    evidence.answer(`gateway: ${name}`, await stack.send({ method: 'GET', path, token }), forbidden);
  }
  evidence.answer(
    'gateway: PUT over the Patient (writes are outside user/*.read)',
    await stack.send({
      method: 'PUT',
      path: `/fhir/Patient/${victim}`,
      token,
      body: stack.fixtures.records[0],
    }),
    { status: 403, code: 'GW_INSUFFICIENT_SCOPE' },
  );
  const research: Record<string, string> = {
    'Patient with _elements=name,birthDate,address,identifier':
      '/fhir/Patient?_elements=name,birthDate,address,identifier,telecom',
    'Patient by name, birthdate and identifier': `/fhir/Patient?name=${family}&birthdate=${birthDate}&identifier=${encodeURIComponent(mrn)}`,
    'Observation by code with _include/_revinclude':
      '/fhir/Observation?code=8480-6&_include=Observation:subject&_revinclude=Provenance:target',
    'Observation with _summary=false and _elements=subject,note':
      '/fhir/Observation?_summary=false&_elements=subject,note',
  };
  for (const [name, path] of Object.entries(research)) {
    const answer = await stack.send({ method: 'GET', path, token });
    const label = `gateway research query: ${name} → 200, de-identified`;
    if (evidence.answer(label, answer, { status: 200 })) {
      const entries = (JSON.parse(answer.body) as { entry?: ResearchEntry[] }).entry ?? [];
      evidence.check(
        label,
        deidentified(
          entries.map((entry) => entry.resource),
          stack.fixtures,
        ),
        `200, ${entries.length} entries`,
      );
    }
  }

  const identity = await stack.fabricIdentity(AUTH_USERS.regulator);
  const direct: [string, 'evaluate' | 'submit', string, string[]][] = [
    ['ReadRecord of the Patient', 'evaluate', 'ReadRecord', ['Patient', victim]],
    ['GetRecordHistory of the Patient', 'evaluate', 'GetRecordHistory', ['Patient', victim]],
    ['ListPatientRecords of the patient', 'evaluate', 'ListPatientRecords', [victim, '', '50', '']],
    ['UpdatePatientAddress', 'submit', 'UpdatePatientAddress', [victim, '[]']],
  ];
  for (const [name, kind, transaction, args] of direct) {
    const answer = await callChaincode(stack, identity, kind, transaction, args);
    const code = /CC_ERR_[A-Z_]+/.exec(answer.text)?.[0];
    evidence.fabric(
      `chaincode: ${name} → CC_ERR_FORBIDDEN`,
      answer,
      !answer.ok && code === 'CC_ERR_FORBIDDEN',
    );
  }
  for (const type of ['Patient', 'Observation']) {
    const answer = await callChaincode(stack, identity, 'evaluate', 'ResearchQuery', [type, '', '500', '']);
    const items = answer.ok ? (JSON.parse(answer.text) as { items: ResearchEntry['resource'][] }).items : [];
    evidence.fabric(
      `chaincode: ResearchQuery ${type} answers de-identified records`,
      answer,
      answer.ok && deidentified(items, stack.fixtures),
    );
    evidence.observed[`chaincode: ResearchQuery ${type} answers de-identified records`] =
      `ok, ${items.length} records`;
  }
  const heightAfter = await checkLedgerUnchanged(evidence, stack, heightBefore);

  return evidence.outcome(
    {
      id: REGULATOR_CASE_ID,
      done:
        `Regulator regulator1 asked the gateway for identified data ${Object.keys(refused).length + 1} ways and ran ` +
        `${Object.keys(research).length} research queries asking for names, identifiers and includes; then the same ` +
        'reads and ResearchQuery straight at the chaincode with its own Fabric identity.',
      summary: `Ledger height ${heightBefore} → ${heightAfter}.`,
    },
    observedLogs(stack),
    stack.fixtures.logOnly,
  );
}
