/**
 * Which users `fhirledger users seed` makes, and with what: pure, so the names the load tests and the chaincode
 * rely on are decided in one place. provider1..N (k6's LOAD_USERNAME default is `provider{n}`), patient1..N bound
 * to the Patient `patient-<n>`, regulator1..N; each with the certificate attributes the EHR chaincode reads
 * (`role`, and `patientId` for patients; chaincode/access.ts).
 */
import { createHmac } from 'node:crypto';
import type { Role } from '../common/ehr-contract.js';

export interface SeedCounts {
  readonly patients: number;
  readonly providers: number;
  readonly regulators: number;
}

export type SeededRole = Extract<Role, 'patient' | 'provider' | 'regulator'>;

export interface SeedUser {
  readonly id: string;
  readonly role: SeededRole;
  /** Patients only: the FHIR id of their own Patient record. */
  readonly patientId?: string;
  /** What goes into the enrolment certificate (ecert attributes). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The largest count per role: enough for any load profile here, small enough to catch a typo (1e9). */
export const MAX_SEED_COUNT = 100_000;

/** The deterministic FHIR id of seeded patient n, so a test or a load script can name a patient's own record. */
export function seededPatientId(n: number): string {
  return `patient-${n}`;
}

/** Providers first (the load tests log in as them), then patients, then regulators; each numbered from 1. */
export function planSeedUsers(counts: SeedCounts): SeedUser[] {
  const users: SeedUser[] = [];
  for (let n = 1; n <= counts.providers; n++) {
    users.push({ id: `provider${n}`, role: 'provider', attributes: { role: 'provider' } });
  }
  for (let n = 1; n <= counts.patients; n++) {
    const patientId = seededPatientId(n);
    users.push({ id: `patient${n}`, role: 'patient', patientId, attributes: { role: 'patient', patientId } });
  }
  for (let n = 1; n <= counts.regulators; n++) {
    users.push({ id: `regulator${n}`, role: 'regulator', attributes: { role: 'regulator' } });
  }
  return users;
}

/**
 * The CA enrolment secret of a seeded user: HMAC-SHA256 keyed with the registrar's secret over the CA and the id.
 * Deterministic, so a re-run that finds the id already registered (a run cut short between register and the store
 * write) can enrol it again; unguessable without the registrar's secret, and whoever holds that can register and
 * enrol anyone anyway. It is not the gateway password and is never stored.
 */
export function seedEnrollmentSecret(registrarSecret: string, caName: string, id: string): string {
  return createHmac('sha256', registrarSecret)
    .update(`fhirledger users seed\n${caName}\n${id}`)
    .digest('base64url');
}
