/**
 * The Fabric CA operations fabric-ca-client 2.2 uses, without HTTP: cainfo, enroll (id + secret), reenroll,
 * register and revoke (X.509 token). Follows fabric-ca's lib/serverenroll.go, serverregister.go,
 * serverrevoke.go and serverrequestcontext.go where a client can observe it: who may do what, which error code
 * comes back, which subject and attributes the certificate carries.
 */
import { randomInt, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { issueCertificateSync, loadSigningCa, type SigningCa } from '../msp/cert-issuer.js';
import { TokenCertificateCache, verifyAuthToken, type TokenCertificate } from './auth-token.js';
import type { CaConfig } from './ca-config.js';
import { authenticationError, authorizationError, CaError, unknownError } from './ca-errors.js';
import { parseCsr } from './csr.js';
import {
  normaliseHex,
  parseJson,
  stringValue,
  type EnrollBody,
  type RegisterBody,
  type RevokeBody,
} from './ca-request-body.js';
import {
  attributeValue,
  BOOTSTRAP_ATTRIBUTES,
  isTrue,
  listAllows,
  selectAttributes,
  withAutoAttributes,
} from './identity-attributes.js';
import { IdentityStore, type IdentityAttribute, type StoredIdentity } from './identity-store.js';

/** Reported as the server version in cainfo (the fabric-ca line the devnet mimics). */
export const CA_VERSION = '1.5.15-devnet';

export interface CaInfo {
  CAName: string;
  CAChain: string;
  IssuerPublicKey: string;
  IssuerRevocationPublicKey: string;
  Version: string;
}

export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly method: string;
  readonly uri: string;
  readonly body: Buffer;
}

export class CaService {
  private readonly tokenCertificates = new TokenCertificateCache();
  private readonly issuerChecked = new WeakMap<TokenCertificate, boolean>();

  private constructor(
    private readonly config: CaConfig,
    private readonly ca: SigningCa,
    private readonly caCert: X509Certificate,
    private readonly store: IdentityStore,
    private readonly affiliations: ReadonlySet<string>,
  ) {}

  static async open(config: CaConfig): Promise<CaService> {
    const [certPem, keyPem] = await Promise.all([
      readFile(config.caCertFile, 'utf8'),
      readFile(config.caKeyFile, 'utf8'),
    ]);
    const ca = await loadSigningCa(certPem, keyPem);
    const store = await IdentityStore.open(config.home);
    const service = new CaService(
      config,
      ca,
      new X509Certificate(certPem),
      store,
      flattenAffiliations(config),
    );
    const admin = config.bootstrapAdmin;
    if (store.get(admin.id) === undefined) {
      await store.insert(
        {
          id: admin.id,
          type: 'client',
          affiliation: '',
          attributes: withAutoAttributes(BOOTSTRAP_ATTRIBUTES, admin.id, 'client', ''),
          maxEnrollments: -1,
        },
        admin.secret,
      );
    }
    return service;
  }

  /** Finishes the registry writes in flight and closes its journal. */
  close(): Promise<void> {
    return this.store.close();
  }

  get caName(): string {
    return this.config.caName;
  }

  identityCount(): number {
    return this.store.size;
  }

  cainfo(): CaInfo {
    return {
      CAName: this.config.caName,
      CAChain: Buffer.from(this.ca.certificatePem).toString('base64'),
      IssuerPublicKey: '',
      IssuerRevocationPublicKey: '',
      Version: CA_VERSION,
    };
  }

  /** POST /enroll with Basic auth. */
  async enroll(credentials: { id: string; secret: string } | undefined, body: unknown): Promise<unknown> {
    if (credentials === undefined) throw new CaError('NO_AUTH_HEADER', 401, 'No authorization header');
    const request = this.enrollBody(body);
    if (this.config.maxEnrollments === 0) throw authenticationError('Enroll is disabled');
    const identity = this.store.get(credentials.id);
    if (identity === undefined) {
      throw authenticationError(`Failed to get user: user '${credentials.id}' not found`);
    }
    if (!this.store.checkSecret(identity, credentials.secret)) {
      throw authenticationError(`Login failure: Password mismatch for '${credentials.id}'`);
    }
    if (identity.revoked) {
      throw authenticationError(`Login failure: the identity '${identity.id}' is revoked`);
    }
    if (identity.maxEnrollments !== -1 && identity.enrollments >= identity.maxEnrollments) {
      throw authenticationError(
        `Login failure: The identity ${identity.id} has already enrolled ${identity.enrollments} times, it has ` +
          `reached its maximum enrollment allowance`,
      );
    }
    const response = this.issue(identity, request);
    identity.enrollments++;
    await this.store.save(identity);
    return response;
  }

  /** POST /reenroll with a token: a new certificate for the caller, not counted against max_enrollments. */
  async reenroll(token: TokenRequest): Promise<unknown> {
    const caller = this.authenticateToken(token);
    const response = this.issue(caller, this.enrollBody(parseJson(token.body)));
    await this.store.save(caller);
    return response;
  }

  /** POST /register with a token; returns {secret}. */
  async register(token: TokenRequest): Promise<{ secret: string }> {
    const registrar = this.authenticateToken(token);
    const body = parseJson(token.body) as RegisterBody;
    this.checkCaName(body.caname);
    const id = typeof body.id === 'string' ? body.id : '';
    if (id === '') throw new CaError('BAD_REQUEST_BODY', 400, 'Invalid request body: id is required');
    let affiliation = typeof body.affiliation === 'string' ? body.affiliation : registrar.affiliation;
    if (body.affiliation === '') affiliation = registrar.affiliation;
    if (affiliation === '.') affiliation = '';
    const type = typeof body.type === 'string' && body.type !== '' ? body.type : registrar.type;

    const roles = attributeValue(registrar, 'hf.Registrar.Roles');
    if (roles === undefined || roles === '') throw authorizationError(`'${registrar.id}' is not a registrar`);
    if (!listAllows(roles, type)) {
      throw authorizationError(`Registrar does not have authority to act on type '${type}'`);
    }
    if (registrar.affiliation !== '' && affiliation !== registrar.affiliation) {
      if (!affiliation.startsWith(`${registrar.affiliation}.`)) {
        throw authorizationError(`Caller does not have authority to act on affiliation '${affiliation}'`);
      }
    }
    if (affiliation !== '' && !this.affiliations.has(affiliation)) {
      throw unknownError(
        `Registration of '${id}' failed in affiliation validation: Failed getting affiliation '${affiliation}': ` +
          `affiliation '${affiliation}' does not exist`,
      );
    }
    const requested: IdentityAttribute[] = [];
    for (const attr of body.attrs ?? []) {
      if (typeof attr.name !== 'string' || attr.name === '') {
        throw new CaError('BAD_REQUEST_BODY', 400, 'Invalid request body: every attribute needs a name');
      }
      requested.push({ name: attr.name, value: stringValue(attr.value), ecert: attr.ecert === true });
    }
    const allowedAttrs = attributeValue(registrar, 'hf.Registrar.Attributes') ?? '';
    for (const attr of requested) {
      if (!listAllows(allowedAttrs, attr.name)) {
        throw authorizationError(
          `Failed to register attribute: Registrar '${registrar.id}' is not allowed to register attribute '${attr.name}'`,
        );
      }
    }
    const maxEnrollments = this.maxEnrollmentsFor(id, body.max_enrollments);
    const secret = typeof body.secret === 'string' && body.secret !== '' ? body.secret : randomSecret();
    const inserted = await this.store.insert(
      {
        id,
        type,
        affiliation,
        attributes: withAutoAttributes(requested, id, type, affiliation),
        maxEnrollments,
      },
      secret,
    );
    if (!inserted)
      throw unknownError(`Registration of '${id}' failed: Identity '${id}' is already registered`);
    return { secret };
  }

  /** POST /revoke with a token: by enrolment id (all its certificates, and future enrolments) or by serial+AKI. */
  async revoke(
    token: TokenRequest,
  ): Promise<{ RevokedCerts: { Serial: string; AKI: string }[]; CRL: string }> {
    const caller = this.authenticateToken(token);
    const body = parseJson(token.body) as RevokeBody;
    this.checkCaName(body.caname);
    if (!isTrue(attributeValue(caller, 'hf.Revoker'))) {
      throw authorizationError(`Caller does not have authority to revoke: '${caller.id}' lacks hf.Revoker`);
    }
    const revoked: { Serial: string; AKI: string }[] = [];
    const id = typeof body.id === 'string' ? body.id : '';
    if (id !== '') {
      const target = this.store.get(id);
      if (target === undefined) throw new CaError('REVOKE_ID_NOT_FOUND', 404, `Identity ${id} was not found`);
      target.revoked = true;
      for (const cert of target.certificates) {
        if (!cert.revoked) revoked.push({ Serial: cert.serial, AKI: cert.aki });
        cert.revoked = true;
      }
      await this.store.save(target);
    } else {
      const serial = normaliseHex(stringValue(body.serial));
      const aki = normaliseHex(stringValue(body.aki));
      if (serial === '' || aki === '') {
        throw new CaError(
          'BAD_REQUEST_BODY',
          400,
          'Either Name or Serial and AKI are required for a revoke request',
        );
      }
      const found = this.store.findCertificate(serial, aki);
      if (found === undefined) {
        throw new CaError(
          'REVOKE_CERT_NOT_FOUND',
          404,
          `Certificate with serial ${serial} and AKI ${aki} was not found`,
        );
      }
      found.cert.revoked = true;
      revoked.push({ Serial: serial, AKI: aki });
      await this.store.save(found.identity);
    }
    return { RevokedCerts: revoked, CRL: '' };
  }

  private enrollBody(body: unknown): EnrollBody {
    if (typeof body !== 'object' || body === null)
      throw new CaError('EMPTY_REQUEST_BODY', 400, 'Empty request body');
    const request = body as EnrollBody;
    this.checkCaName(request.caname);
    return request;
  }

  private checkCaName(caname: unknown): void {
    if (typeof caname === 'string' && caname !== '' && caname !== this.config.caName) {
      throw new CaError('CA_NOT_FOUND', 404, `CA '${caname}' does not exist`);
    }
  }

  /** Whether this CA signed the certificate: checked once per parsed certificate (the answer cannot change). */
  private issuedHere(token: TokenCertificate): boolean {
    const known = this.issuerChecked.get(token);
    if (known !== undefined) return known;
    const issued =
      token.certificate.checkIssued(this.caCert) && token.certificate.verify(this.caCert.publicKey);
    this.issuerChecked.set(token, issued);
    return issued;
  }

  /** Token authentication (serverrequestcontext verifyX509Token): signature, issuer, dates, revocation, identity. */
  private authenticateToken(token: TokenRequest): StoredIdentity {
    if (token.authorization === undefined || token.authorization === '') {
      throw new CaError('NO_AUTH_HEADER', 401, 'No authorization header');
    }
    const verified = verifyAuthToken(
      token.authorization,
      token.method,
      token.uri,
      token.body,
      this.tokenCertificates,
    );
    if (!this.issuedHere(verified)) {
      throw authenticationError('Untrusted certificate: certificate was not issued by this CA');
    }
    const now = Date.now();
    if (now > verified.notAfterMs || now < verified.notBeforeMs) {
      throw authenticationError(
        'The certificate in the authorization header is a revoked or expired certificate',
      );
    }
    const identity = this.store.get(verified.enrollmentId);
    if (identity === undefined) throw authenticationError('Failed to get user');
    const serial = normaliseHex(verified.certificate.serialNumber);
    const issued = identity.certificates.find((c) => c.serial === serial);
    if (identity.revoked || issued?.revoked === true) {
      throw authenticationError('The certificate in the authorization header is a revoked certificate');
    }
    return identity;
  }

  /** Signs the CSR for `identity` (handleEnroll): CN must be the id; OU = type + affiliation path; attributes. */
  private issue(identity: StoredIdentity, request: EnrollBody): unknown {
    const csr = parseCsr(request.certificate_request);
    if (csr.commonName !== identity.id) {
      throw unknownError('The CSR subject common name must equal the enrollment ID');
    }
    const attributes = selectAttributes(identity, request.attr_reqs);
    const lifetime = new Date(Date.now() + this.config.ecertValidityDays * 86_400_000);
    const notAfter = lifetime > this.ca.notAfter ? this.ca.notAfter : lifetime;
    const { pem, serialHex } = issueCertificateSync(this.ca, {
      subject: {
        country: csr.country,
        state: csr.state,
        locality: csr.locality,
        organization: csr.organization,
        organizationalUnits: [identity.type, ...identity.affiliation.split('.').filter((p) => p !== '')],
        commonName: identity.id,
      },
      publicKey: csr.publicKey,
      profile: { kind: 'enrollment', attributes },
      // notBefore is the issuer's default, now rounded to the minute − 5 min as cfssl (Fabric CA's signer) and the
      // roots have it: an exact now − 5 min could start up to 30 s before a root made moments earlier, and the MSP,
      // judging the chain at the leaf's notBefore + 1 s, refused the identity ("root CA certificate … has expired").
      notAfter,
    });
    identity.certificates.push({
      serial: serialHex,
      aki: this.ca.subjectKeyIdHex.toLowerCase(),
      notAfter: notAfter.toISOString(),
      revoked: false,
    });
    // The caller persists the identity (with its new certificate) once, together with its other changes.
    return { Cert: Buffer.from(pem).toString('base64'), ServerInfo: this.cainfo() };
  }

  /** fabric-ca getMaxEnrollments: 0 means "the CA's maximum"; -1 unlimited, refused when the CA has a limit. */
  private maxEnrollmentsFor(id: string, requested: unknown): number {
    const user = typeof requested === 'number' && Number.isInteger(requested) ? requested : 0;
    const caMax = this.config.maxEnrollments;
    if (user < -1)
      throw unknownError(`Registration of '${id}' failed: Invalid max enrollments value '${user}'`);
    if (caMax === -1) return user === 0 ? -1 : user;
    if (user === -1) {
      throw unknownError(
        `Registration for '${id}' can not have unlimited enrollments; the CA allows at most ${caMax}`,
      );
    }
    if (user === 0) return caMax;
    if (user > caMax) {
      throw unknownError(
        `Registration for '${id}' failed: max enrollments ${user} exceeds the CA's ${caMax}`,
      );
    }
    return user;
  }
}

function flattenAffiliations(config: CaConfig): Set<string> {
  const out = new Set<string>();
  for (const [top, subs] of Object.entries(config.affiliations)) {
    out.add(top);
    for (const sub of subs) out.add(`${top}.${sub}`);
  }
  return out;
}

const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function randomSecret(): string {
  let out = '';
  for (let i = 0; i < 12; i++) out += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)] ?? 'x';
  return out;
}
