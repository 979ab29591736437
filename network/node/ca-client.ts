/**
 * Enrolment through the org's Fabric CA with the unmodified fabric-ca-client 2.2 SDK (not our own client, so the
 * devnet CA is exercised as Fabric users exercise a real one): the bootstrap admin enrols once, then registers and
 * enrols users with role/patientId attributes in their certificates. Enrolled identities are written as an MSP
 * folder (signcerts/cert.pem, keystore/priv_sk 0600, cacerts/), the layout fabric-ca-client's CLI writes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';

export interface CaConnection {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootCertPem: string;
  readonly mspId: string;
}

export interface EnrolledIdentity {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface UserRegistration {
  readonly id: string;
  readonly secret?: string;
  /** Fabric CA identity type, the NodeOU of the certificate: client, admin, peer… */
  readonly type: 'client' | 'admin';
  /** Attributes put in the enrolment certificate (ecert=true), e.g. role=provider, patientId=p1. */
  readonly attributes: Readonly<Record<string, string>>;
}

export class CaSession {
  private readonly ca: FabricCAServices;
  private registrar: User | undefined;

  constructor(
    private readonly connection: CaConnection,
    private readonly bootstrap: { readonly id: string; readonly secret: string },
  ) {
    this.ca = new FabricCAServices(
      connection.url,
      { trustedRoots: [connection.tlsRootCertPem], verify: true },
      connection.caName,
    );
  }

  async enroll(id: string, secret: string): Promise<EnrolledIdentity> {
    const enrollment = await this.ca.enroll({ enrollmentID: id, enrollmentSecret: secret });
    return { certificatePem: enrollment.certificate, privateKeyPem: enrollment.key.toBytes() };
  }

  /** Registers (unless already registered with this secret) and enrols one user. */
  async registerAndEnroll(registration: UserRegistration): Promise<EnrolledIdentity> {
    const registrar = await this.registrarUser();
    const secret = await this.ca.register(
      {
        enrollmentID: registration.id,
        enrollmentSecret: registration.secret,
        role: registration.type,
        affiliation: '',
        maxEnrollments: -1,
        attrs: Object.entries(registration.attributes).map(([name, value]) => ({ name, value, ecert: true })),
      },
      registrar,
    );
    return this.enroll(registration.id, secret);
  }

  private async registrarUser(): Promise<User> {
    if (this.registrar !== undefined) return this.registrar;
    const admin = await this.enroll(this.bootstrap.id, this.bootstrap.secret);
    const user = new User(this.bootstrap.id);
    await user.setEnrollment(
      // fabric-common wants its own key object; the SDK's crypto suite makes one from the PEM.
      User.newCryptoSuite().createKeyFromRaw(admin.privateKeyPem),
      admin.certificatePem,
      this.connection.mspId,
    );
    this.registrar = user;
    return user;
  }
}

/** Writes an enrolled identity as an MSP folder; returns the certificate and key paths. */
export function writeMspFolder(
  mspDir: string,
  identity: EnrolledIdentity,
  caCertPem: string,
): { certificateFile: string; privateKeyFile: string } {
  const certificateFile = path.join(mspDir, 'signcerts', 'cert.pem');
  const privateKeyFile = path.join(mspDir, 'keystore', 'priv_sk');
  for (const dir of ['signcerts', 'keystore', 'cacerts'])
    mkdirSync(path.join(mspDir, dir), { recursive: true, mode: 0o700 });
  writeFileSync(certificateFile, identity.certificatePem);
  writeFileSync(privateKeyFile, identity.privateKeyPem, { mode: 0o600 });
  writeFileSync(path.join(mspDir, 'cacerts', 'ca-cert.pem'), caCertPem);
  return { certificateFile, privateKeyFile };
}

export function hasMspFolder(mspDir: string): boolean {
  return (
    existsSync(path.join(mspDir, 'signcerts', 'cert.pem')) &&
    existsSync(path.join(mspDir, 'keystore', 'priv_sk'))
  );
}

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}
