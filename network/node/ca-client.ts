/**
 * Enrolment through the org's Fabric CA with the unmodified fabric-ca-client 2.2 SDK (not our own client, so the
 * devnet CA is exercised as Fabric users exercise a real one): the bootstrap admin enrols once, then registers and
 * enrols users with role/patientId attributes in their certificates. Enrolled identities are written as an MSP
 * folder (signcerts/cert.pem, keystore/priv_sk 0600, cacerts/), the layout fabric-ca-client's CLI writes.
 *
 * The SDK does its cryptography in pure JS: a key pair and CSR from jsrsasign (≈ 85 ms per enrolment here) and the
 * registrar's token signature from elliptic (≈ 2.5 ms per registration). Both are handed to Node's crypto through
 * the SDK's own seams — `enroll({ csr })` with a request made here, and the registrar's signing identity — so the
 * SDK still builds and sends every request, and enrolling thousands of users takes seconds.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import path from 'node:path';
import FabricCAServices from 'fabric-ca-client';
import { User, type ISigningIdentity } from 'fabric-common';
import { newCertificateRequest } from '../msp/certificate-request.js';
import { signLowS } from '../msp/ecdsa.js';
import { exportPkcs8Pem, loadP256PrivateKeyObject } from '../msp/keys.js';

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
  private registrar: Promise<User> | undefined;

  constructor(
    private readonly connection: CaConnection,
    private readonly bootstrap: { readonly id: string; readonly secret: string },
  ) {
    dropStaleTimeoutListeners();
    this.ca = new FabricCAServices(
      connection.url,
      { trustedRoots: [connection.tlsRootCertPem], verify: true },
      connection.caName,
    );
  }

  /** Enrols with a P-256 key made by Node's crypto; the private key never leaves this process. */
  async enroll(id: string, secret: string): Promise<EnrolledIdentity> {
    const { csrPem, privateKey } = newCertificateRequest(id);
    const enrollment = await this.ca.enroll({ enrollmentID: id, enrollmentSecret: secret, csr: csrPem });
    return { certificatePem: enrollment.certificate, privateKeyPem: exportPkcs8Pem(privateKey) };
  }

  /**
   * Registers `registration` with its given secret; 'already-registered' when the CA has the id (fabric-ca
   * answers code 0 "Identity 'x' is already registered"), so that a re-run can enrol it again with that secret.
   */
  async registerIfAbsent(
    registration: UserRegistration & { readonly secret: string },
  ): Promise<'registered' | 'already-registered'> {
    try {
      await this.register(registration);
      return 'registered';
    } catch (error) {
      if (isAlreadyRegistered(error)) return 'already-registered';
      throw error;
    }
  }

  /** Enrols the registrar if that has not happened yet: fails as register would (CA down, wrong secret). */
  async checkRegistrar(): Promise<void> {
    await this.registrarUser();
  }

  /** Registers and enrols one user. */
  async registerAndEnroll(registration: UserRegistration): Promise<EnrolledIdentity> {
    return this.enroll(registration.id, await this.register(registration));
  }

  /** The enrolment secret: the registration's own, or the one the CA made up. */
  private async register(registration: UserRegistration): Promise<string> {
    const registrar = await this.registrarUser();
    return this.ca.register(
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
  }

  /** The bootstrap admin, enrolled once; concurrent first callers share the one enrolment. */
  private registrarUser(): Promise<User> {
    this.registrar ??= this.enrollRegistrar().catch((error: unknown) => {
      // A failed enrolment (CA not up yet) is not remembered: the next call tries again.
      this.registrar = undefined;
      throw error;
    });
    return this.registrar;
  }

  private async enrollRegistrar(): Promise<User> {
    const admin = await this.enroll(this.bootstrap.id, this.bootstrap.secret);
    const user = new User(this.bootstrap.id);
    await user.setEnrollment(
      // fabric-common wants its own key object; the SDK's crypto suite makes one from the PEM.
      User.newCryptoSuite().createKeyFromRaw(admin.privateKeyPem),
      admin.certificatePem,
      this.connection.mspId,
    );
    user.setSigningIdentity(signingWithNodeCrypto(user.getSigningIdentity(), admin.privateKeyPem));
    return user;
  }
}

/**
 * fabric-ca-client adds a 'timeout' listener to the socket of every request and never removes it. Its requests go
 * through Node's global agents, which keep sockets alive and reuse them, so the listeners piled up: one closure
 * holding a finished request per call (thousands in a seed run) and a MaxListenersExceededWarning per socket. When an
 * agent takes a socket back every request on it has finished; the one listener to keep is the agent's own, added
 * first, when it made the socket.
 */
let staleListenersDropped = false;
function dropStaleTimeoutListeners(): void {
  if (staleListenersDropped) return;
  staleListenersDropped = true;
  for (const agent of [http.globalAgent, https.globalAgent]) {
    agent.on('free', (socket: Socket) => {
      for (const listener of socket.listeners('timeout').slice(1)) {
        socket.removeListener('timeout', listener as (...args: unknown[]) => void);
      }
    });
  }
}

/**
 * The SDK's signing identity with `sign` done by OpenSSL. fabric-ca-client calls `sign(tokenString, { hashFunction })`
 * with its suite's SHA-256; signLowS hashes with SHA-256 itself and normalises S as the SDK does, so the token is the
 * one the SDK would send. Everything else (the certificate the token carries) is the SDK's object, by prototype.
 */
function signingWithNodeCrypto(identity: ISigningIdentity, privateKeyPem: string): ISigningIdentity {
  const key = loadP256PrivateKeyObject(privateKeyPem);
  const fast = Object.create(identity) as ISigningIdentity;
  fast.sign = (message: Buffer) => signLowS(key, Buffer.from(message));
  return fast;
}

function isAlreadyRegistered(error: unknown): boolean {
  const errors = (error as { errors?: { message?: unknown }[] } | null)?.errors;
  return (
    Array.isArray(errors) &&
    errors.some(
      (entry) => typeof entry.message === 'string' && entry.message.includes('is already registered'),
    )
  );
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
