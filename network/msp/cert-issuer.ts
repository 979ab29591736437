/**
 * Issues X.509 certificates with the same shape as Fabric's tools, so that Fabric's MSP code, Node's TLS and the
 * SDKs accept them:
 * - cryptogen (internal/cryptogen/ca/ca.go): CA roots with KeyUsage digitalSignature|keyEncipherment|certSign|
 *   cRLSign, ExtKeyUsage clientAuth+serverAuth, CA:TRUE, SKI = SHA-256 of the EC point; leaf signing certs with
 *   digitalSignature, CA:FALSE, AKI = the CA's SKI and the NodeOU as subject OU; TLS certs with
 *   digitalSignature|keyEncipherment, serverAuth+clientAuth and DNS/IP SANs.
 * - fabric-ca (cfssl signer + lib/attrmgr): enrolment certs with digitalSignature, CA:FALSE, SKI (SHA-1 of the
 *   key, as cfssl does), AKI and the attribute extension 1.2.3.4.5.6.7.8.1 holding raw JSON {"attrs":{...}}.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from './peculiar-x509.js';
import { importP256PrivateKey, rawPublicPoint } from './keys.js';

/** Fabric CA's attribute extension (fabric-ca lib/attrmgr AttrOID); fabric-shim's ClientIdentity reads it. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
/** Both tools backdate notBefore by 5 minutes to absorb clock skew between hosts. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A distinguished name in Go pkix.Name terms; written in Go's ToRDNSequence order (C, ST, L, O, OU..., CN). */
export interface SubjectSpec {
  country?: string;
  state?: string;
  locality?: string;
  organization?: string;
  organizationalUnits?: readonly string[];
  commonName: string;
}

/** A CA able to sign: its certificate and private key. */
export interface SigningCa {
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  readonly privateKey: webcrypto.CryptoKey;
  /** Hex SKI of the CA certificate, put into every issued certificate's AKI. */
  readonly subjectKeyIdHex: string;
}

export type LeafProfile =
  /** cryptogen's identity certificate for msp/signcerts. */
  | { kind: 'signing' }
  /** cryptogen's TLS certificate (server and client auth) with SANs. */
  | { kind: 'tls'; hosts: readonly string[] }
  /** fabric-ca's enrolment certificate, optionally with the attribute extension. */
  | { kind: 'enrollment'; attributes?: Readonly<Record<string, string>>; hosts?: readonly string[] };

export interface IssueRequest {
  subject: SubjectSpec;
  /** The subject's public key: a WebCrypto key, or an x509.PublicKey (e.g. from a CSR; cheaper, no export). */
  publicKey: webcrypto.CryptoKey | x509.PublicKey;
  profile: LeafProfile;
  notBefore?: Date;
  notAfter?: Date;
}

/** Self-signed CA root as cryptogen makes it (ca/ and tlsca/ of an org). */
export async function createRootCa(
  subject: SubjectSpec,
  keys: { privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey },
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<SigningCa> {
  const now = Date.now();
  const ski = createHash('sha256')
    .update(await rawPublicPoint(keys.publicKey))
    .digest('hex');
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialHex(),
      subject: toJsonName(subject),
      issuer: toJsonName(subject),
      notBefore: validity.notBefore ?? roundedBackdate(now),
      notAfter: validity.notAfter ?? new Date(now + TEN_YEARS_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment |
            x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.clientAuth,
          x509.ExtendedKeyUsage.serverAuth,
        ]),
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectKeyIdentifierExtension(ski),
      ],
    },
    // No crypto argument: @peculiar/x509 defaults to globalThis.crypto, which is Node's WebCrypto.
  );
  return {
    certificate,
    certificatePem: certificate.toString('pem'),
    privateKey: keys.privateKey,
    subjectKeyIdHex: ski,
  };
}

/** Loads a CA from its PEM certificate and PEM private key (PKCS#8 or SEC1). */
export async function loadSigningCa(certificatePem: string, privateKeyPem: string): Promise<SigningCa> {
  const certificate = new x509.X509Certificate(certificatePem);
  const privateKey = await importP256PrivateKey(privateKeyPem);
  const skiExt = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const subjectKeyIdHex =
    skiExt?.keyId ?? createHash('sha1').update(spkiPoint(certificate.publicKey)).digest('hex');
  return { certificate, certificatePem: certificate.toString('pem'), privateKey, subjectKeyIdHex };
}

/** Issues a leaf certificate signed by `ca`. Returns the PEM. */
export async function issueCertificate(ca: SigningCa, request: IssueRequest): Promise<string> {
  const now = Date.now();
  const profile = request.profile;
  // A WebCrypto key would be re-exported by the generator on every call (~2 ms); convert once here.
  const publicKey =
    request.publicKey instanceof x509.PublicKey
      ? request.publicKey
      : new x509.PublicKey(await webcrypto.subtle.exportKey('spki', request.publicKey));
  const extensions: x509.Extension[] = [];
  switch (profile.kind) {
    case 'signing':
      extensions.push(FIXED.digitalSignature, FIXED.notCa);
      break;
    case 'tls':
      extensions.push(FIXED.tlsKeyUsage, FIXED.tlsExtKeyUsage, FIXED.notCa, subjectAltNames(profile.hosts));
      break;
    case 'enrollment': {
      extensions.push(FIXED.digitalSignature, FIXED.notCa);
      const ski = createHash('sha1').update(spkiPoint(publicKey)).digest('hex');
      extensions.push(new x509.SubjectKeyIdentifierExtension(ski));
      if (profile.hosts !== undefined && profile.hosts.length > 0)
        extensions.push(subjectAltNames(profile.hosts));
      if (profile.attributes !== undefined) extensions.push(attributeExtension(profile.attributes));
      break;
    }
  }
  extensions.push(authorityKeyId(ca));
  const defaultLifetime = profile.kind === 'enrollment' ? ONE_YEAR_MS : TEN_YEARS_MS;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialHex(),
      subject: toJsonName(request.subject),
      issuer: ca.certificate.subjectName,
      notBefore: request.notBefore ?? roundedBackdate(now),
      notAfter: request.notAfter ?? capAt(new Date(now + defaultLifetime), ca.certificate.notAfter),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey,
      signingKey: ca.privateKey,
      extensions,
    },
    // No crypto argument: @peculiar/x509 defaults to globalThis.crypto, which is Node's WebCrypto.
  );
  return certificate.toString('pem');
}

/**
 * The attribute extension exactly as fabric-ca writes it: non-critical, the extension value is the JSON itself
 * (Go's json.Marshal of map[string]string, so keys sorted), not DER-wrapped.
 */
export function attributeExtension(attributes: Readonly<Record<string, string>>): x509.Extension {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(attributes).sort()) sorted[name] = attributes[name] ?? '';
  return new x509.Extension(FABRIC_ATTRS_OID, false, Buffer.from(JSON.stringify({ attrs: sorted })));
}

/** Reads the attributes back from a certificate (what fabric-shim's ClientIdentity does); {} when absent. */
export function readCertificateAttributes(certificatePem: string): Record<string, string> {
  const certificate = new x509.X509Certificate(certificatePem);
  const ext = certificate.extensions.find((e) => e.type === FABRIC_ATTRS_OID);
  if (ext === undefined) return {};
  const parsed = JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs?: Record<string, string> };
  return parsed.attrs ?? {};
}

/** Extensions that never vary, built once: @peculiar/x509 extension construction is not free. */
const FIXED = {
  digitalSignature: new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  notCa: new x509.BasicConstraintsExtension(false, undefined, true),
  tlsKeyUsage: new x509.KeyUsagesExtension(
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    true,
  ),
  tlsExtKeyUsage: new x509.ExtendedKeyUsageExtension([
    x509.ExtendedKeyUsage.serverAuth,
    x509.ExtendedKeyUsage.clientAuth,
  ]),
};

const akiByCa = new WeakMap<SigningCa, x509.AuthorityKeyIdentifierExtension>();
function authorityKeyId(ca: SigningCa): x509.AuthorityKeyIdentifierExtension {
  let aki = akiByCa.get(ca);
  if (aki === undefined) {
    aki = new x509.AuthorityKeyIdentifierExtension(ca.subjectKeyIdHex);
    akiByCa.set(ca, aki);
  }
  return aki;
}

function subjectAltNames(hosts: readonly string[]): x509.SubjectAlternativeNameExtension {
  const unique = [...new Set(hosts)];
  return new x509.SubjectAlternativeNameExtension(
    unique.map((host) =>
      isIP(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host },
    ),
  );
}

function toJsonName(subject: SubjectSpec): x509.JsonName {
  const name: x509.JsonName = [];
  if (subject.country !== undefined) name.push({ C: [subject.country] });
  if (subject.state !== undefined) name.push({ ST: [subject.state] });
  if (subject.locality !== undefined) name.push({ L: [subject.locality] });
  if (subject.organization !== undefined) name.push({ O: [subject.organization] });
  for (const ou of subject.organizationalUnits ?? []) name.push({ OU: [ou] });
  name.push({ CN: [subject.commonName] });
  return name;
}

/** A positive 128-bit serial (top bit cleared so the DER INTEGER stays positive without padding surprises). */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function roundedBackdate(now: number): Date {
  return new Date(Math.round(now / 60_000) * 60_000 - BACKDATE_MS);
}

function capAt(date: Date, limit: Date): Date {
  return date.getTime() > limit.getTime() ? limit : date;
}

function spkiPoint(publicKey: x509.PublicKey): Buffer {
  // For P-256 the SPKI DER ends with the 65-byte uncompressed point.
  const spki = Buffer.from(publicKey.rawData);
  return spki.subarray(spki.length - 65);
}
