/**
 * Issue 18's authentication and authorisation cases, for `fhirledger bench faults` and the page: each brings up its
 * own stack (auth-stack.ts) at the case's port offset, attacks it, and takes it down. The probes are exported too,
 * so the test (auth-cases.test.ts) runs the very same code against one stack shared by all four.
 */
import type { FaultCase, FaultOutcome } from './fault-case.js';
import { PATIENT_CASE_ID, patientAttacks } from './auth-patient-case.js';
import { PEER_IDENTITY_CASE_ID, peerIdentityAttacks } from './auth-peer-identity-case.js';
import { REGULATOR_CASE_ID, regulatorAttacks } from './auth-regulator-case.js';
import { withAuthStack, type AuthStack } from './auth-stack.js';
import { TOKEN_CASE_ID, tokenAttacks } from './auth-token-case.js';

export interface AuthProbe {
  id: string;
  summary: string;
  probe: (stack: AuthStack) => Promise<FaultOutcome>;
}

export const AUTH_PROBES: readonly AuthProbe[] = [
  {
    id: TOKEN_CASE_ID,
    summary:
      'forged, expired, alg:none, wrong-key, other-audience/issuer and revoked-then-replayed tokens → 401, nothing written',
    probe: tokenAttacks,
  },
  {
    id: PATIENT_CASE_ID,
    summary:
      "a patient at another patient's records through every gateway route and straight at the chaincode → refused",
    probe: patientAttacks,
  },
  {
    id: REGULATOR_CASE_ID,
    summary: 'a regulator asking for identified data → 403, research answers de-identified',
    probe: regulatorAttacks,
  },
  {
    id: PEER_IDENTITY_CASE_ID,
    summary: "another CA's certificate and an unknown MSP presented straight to the peer → access denied",
    probe: peerIdentityAttacks,
  },
];

export const AUTH_CASES: readonly FaultCase[] = AUTH_PROBES.map(({ id, summary, probe }): FaultCase => ({
  id,
  group: 'auth',
  summary,
  run: (context) => withAuthStack(context, probe),
}));

/** For the page's auth section: what the cases rely on and what they do not claim. */
export const AUTH_NOTES: readonly string[] = [
  'Each case runs on a stack of its own (`fhirledger up`’s code: devnet, users enrolled from its CA, the gateway), ' +
    'with the gateway logging at trace so the PHI count reads the most a log can hold, and signing with a key the ' +
    'case knows, so an expired or other-audience token differs from a valid one in that one claim.',
  'PHI: the victim’s names, birth date, MRN, SSN, phone, street, city and two free-text notes, each made unique by ' +
    'a random tag per run; a leak is any occurrence in what the attacker received (HTTP bodies, Fabric errors and ' +
    'results) or in the gateway’s log file (where the victim’s record ids also count).',
  'Replay: gateway tokens are bearer credentials until `exp` (15 min by default); there is no logout and no `jti` ' +
    'list. Revoking a user (removing it from the credentials store, read at start) makes its tokens 401 from the ' +
    'gateway’s next start; a restart without a configured signing key invalidates every token.',
];
