/**
 * Identities the channel does not trust, presented straight to the peer with the unmodified fabric-gateway client:
 * a certificate from another CA (made here with the project's own msp code, shaped exactly like a fabric-ca
 * enrolment certificate with role=provider) claiming Org1MSP, and identities of an MSP the channel does not have.
 * Fabric's proposal check (core/common/validation/msgvalidation.go → "access denied: channel [C] creator org [M]")
 * must refuse every one before the chaincode runs: nothing endorsed, nothing written, no PHI in the errors.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createRootCa, issueCertificateSync } from '../../network/msp/cert-issuer.js';
import type { UserCredentials } from '../../ledger-client/connection.js';
import { checkLedgerUnchanged } from './auth-ledger-checks.js';
import { AuthEvidence } from './auth-evidence.js';
import { callChaincode } from './auth-fabric-direct.js';
import { ATTACKER_PATIENT_ID, AUTH_USERS, VICTIM_PATIENT_ID } from './auth-fixtures.js';
import { observedLogs, type AuthStack } from './auth-stack.js';
import type { FaultOutcome } from './fault-case.js';

export const PEER_IDENTITY_CASE_ID = 'auth-foreign-ca-and-unknown-msp-at-the-peer';

const UNKNOWN_MSP = 'Org9MSP';

/** An enrolment certificate from a CA that mimics Org1's (same names), but is not the channel's. */
async function foreignIdentity(mspId: string, attributes: Record<string, string>): Promise<UserCredentials> {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ca = await createRootCa(
    {
      country: 'US',
      state: 'North Carolina',
      locality: 'Durham',
      organization: 'org1.example.com',
      commonName: 'ca.org1.example.com',
    },
    caKeys,
  );
  const userKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = issueCertificateSync(ca, {
    subject: { organization: 'Hyperledger', organizationalUnits: ['client'], commonName: 'provider1' },
    publicKey: userKeys.publicKey,
    profile: { kind: 'enrollment', attributes: { 'hf.EnrollmentID': 'provider1', ...attributes } },
  });
  return {
    mspId,
    certificatePem: certificate.pem,
    privateKeyPem: userKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export async function peerIdentityAttacks(stack: AuthStack): Promise<FaultOutcome> {
  const evidence = new AuthEvidence(stack.fixtures.phi);
  const realProvider = await stack.fabricIdentity(AUTH_USERS.provider);
  const identities: Record<string, { credentials: UserCredentials; mspId: string }> = {
    'certificate from another CA (role=provider) as Org1MSP': {
      credentials: await foreignIdentity('Org1MSP', { role: 'provider' }),
      mspId: 'Org1MSP',
    },
    [`certificate from another CA as unknown ${UNKNOWN_MSP}`]: {
      credentials: await foreignIdentity(UNKNOWN_MSP, { role: 'provider' }),
      mspId: UNKNOWN_MSP,
    },
    // The devnet CA's own provider certificate and key, under an MSP id the channel does not define.
    [`the real provider certificate presented as unknown ${UNKNOWN_MSP}`]: {
      credentials: { ...realProvider, mspId: UNKNOWN_MSP },
      mspId: UNKNOWN_MSP,
    },
  };
  const intruderId = `obs-foreign-${stack.fixtures.tag}`;
  const intruder = JSON.stringify({
    resourceType: 'Observation',
    id: intruderId,
    status: 'final',
    code: { text: 'x' },
    subject: { reference: `Patient/${VICTIM_PATIENT_ID}` },
  });
  const heightBefore = await stack.ledgerHeight();
  for (const [who, { credentials, mspId }] of Object.entries(identities)) {
    const denied = `access denied: channel [${stack.channel}] creator org [${mspId}]`;
    const calls: [string, 'evaluate' | 'submit', string, string[]][] = [
      ['evaluate ReadRecord of the victim', 'evaluate', 'ReadRecord', ['Patient', VICTIM_PATIENT_ID]],
      ['submit CreateRecord', 'submit', 'CreateRecord', [intruder]],
    ];
    for (const [what, kind, transaction, args] of calls) {
      const name = `${who}: ${what}`;
      const answer = await callChaincode(stack, credentials, kind, transaction, args);
      evidence.fabric(`${name} → "${denied}"`, answer, !answer.ok && answer.text.includes(denied));
    }
  }
  // A record without the victim's PHI, so the control's own answer is not counted as a leak.
  const control = await callChaincode(stack, realProvider, 'evaluate', 'ReadRecord', [
    'Patient',
    ATTACKER_PATIENT_ID,
  ]);
  evidence.fabric('control: the real provider identity as Org1MSP reads a record', control, control.ok);
  const heightAfter = await checkLedgerUnchanged(evidence, stack, heightBefore);
  const absent = await callChaincode(stack, realProvider, 'evaluate', 'ReadRecord', [
    'Observation',
    intruderId,
  ]);
  evidence.fabric(
    'nothing written: the intruder Observation does not exist',
    absent,
    !absent.ok && absent.text.includes('CC_ERR_NOT_FOUND'),
  );

  return evidence.outcome(
    {
      id: PEER_IDENTITY_CASE_ID,
      done:
        'A fabric-ca-shaped certificate (role=provider) from another CA claiming Org1MSP, the same from an unknown ' +
        `MSP ${UNKNOWN_MSP}, and the devnet's real provider certificate under ${UNKNOWN_MSP}, each sent straight to ` +
        'the peer with @hyperledger/fabric-gateway: an evaluate (ReadRecord) and a submit (CreateRecord).',
      summary: `Ledger height ${heightBefore} → ${heightAfter}.`,
    },
    observedLogs(stack),
    stack.fixtures.logOnly,
  );
}
