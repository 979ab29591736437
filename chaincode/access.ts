/**
 * Who may call what, from the enrolment certificate's attributes (`role`, and `patientId` for patients). Roles are
 * attributes rather than MSPs so the same rules hold in the one-org dev network and the three-org paper network.
 */
import { ALLOWED_ROLES, ChaincodeErrorCode, ROLES, type Role, type TxName } from '../common/ehr-contract.js';
import { ChaincodeError } from './chaincode-error.js';
import type { EhrClientIdentity } from './context.js';

export interface Caller {
  role: Role;
  /** Set for patients: the Patient id their certificate is bound to. */
  patientId?: string;
}

export function authorize(identity: EhrClientIdentity, tx: TxName): Caller {
  const roleAttribute = identity.getAttributeValue('role');
  const role = ROLES.find((known) => known === roleAttribute);
  if (role === undefined) {
    throw new ChaincodeError(
      ChaincodeErrorCode.FORBIDDEN,
      `${tx} needs a certificate attribute role of ${ALLOWED_ROLES[tx].join(' or ')}; caller has ${describeRole(roleAttribute)}`,
    );
  }
  if (!ALLOWED_ROLES[tx].includes(role)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.FORBIDDEN,
      `${tx} is not allowed for role ${role} (allowed: ${ALLOWED_ROLES[tx].join(', ')})`,
    );
  }
  if (role !== 'patient') return { role };
  const patientId = identity.getAttributeValue('patientId');
  if (patientId === null || patientId === '') {
    throw new ChaincodeError(
      ChaincodeErrorCode.FORBIDDEN,
      `${tx}: a patient certificate must carry the attribute patientId`,
    );
  }
  return { role, patientId };
}

/** Patients may only touch their own compartment; everyone else who got past `authorize` may touch any. */
export function requireCompartment(caller: Caller, recordPatientId: string | undefined, what: string): void {
  if (caller.role !== 'patient') return;
  if (recordPatientId !== caller.patientId) {
    throw new ChaincodeError(
      ChaincodeErrorCode.FORBIDDEN,
      `${what} is not in the caller's patient compartment`,
    );
  }
}

function describeRole(value: string | null): string {
  return value === null ? 'no role attribute' : `role ${JSON.stringify(value)}`;
}
