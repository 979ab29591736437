/**
 * Issues X.509 certificates with the same shape as Fabric's tools, so that Fabric's MSP code, Node's TLS and the
 * SDKs accept them:
 * - cryptogen (internal/cryptogen/ca/ca.go): CA roots with KeyUsage digitalSignature|keyEncipherment|certSign|
 *   cRLSign, ExtKeyUsage clientAuth+serverAuth, CA:TRUE, SKI = SHA-256 of the EC point; leaf signing certs with
 *   digitalSignature, CA:FALSE, AKI = the CA's SKI and the NodeOU as subject OU; TLS certs with
 *   digitalSignature|keyEncipherment, serverAuth+clientAuth and DNS/IP SANs.
 * - fabric-ca (cfssl signer + lib/attrmgr): enrolment certs with digitalSignature, CA:FALSE, SKI (SHA-1 of the
 *   key, as cfssl does), AKI and the attribute extension 1.2.3.4.5.6.7.8.1 holding raw JSON {"attrs":{...}}.
 * Certificates are built as DER here and signed with Node's crypto (see der.ts for why not @peculiar/x509).
 */
import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolTrue,
  children,
  context,
  decodeOid,
  derToPem,
  directoryString,
  octetString,
  oid,
  pemToDer,
  readTlv,
  seq,
  set,
  time,
  unsignedInteger,
} from './der.js';
import { signLowS } from './ecdsa.js';
import { loadP256PrivateKeyObject, sha1KeyId, sha256KeyId, spkiDer } from './keys.js';

/** Fabric CA's attribute extension (fabric-ca lib/attrmgr AttrOID); fabric-shim's ClientIdentity reads it. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  country: '2.5.4.6',
  state: '2.5.4.8',
  locality: '2.5.4.7',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
/** Both tools backdate notBefore by 5 minutes to absorb clock skew between hosts. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A distinguished name in Go pkix.Name terms; written in Go's ToRDNSequence order (C, ST, L, O, OU..., CN). */
export interface SubjectSpec {
  country?: string | undefined;
  state?: string | undefined;
  locality?: string | undefined;
  organization?: string | undefined;
  organizationalUnits?: readonly string[];
  commonName: string;
}

/** A CA able to sign: its certificate and private key. */
export interface SigningCa {
  readonly certificatePem: string;
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
  /** Hex SKI of the CA certificate, put into every issued certificate's AKI. */
  readonly subjectKeyIdHex: string;
  /** DER of the CA's subject Name, copied verbatim as the issuer of what it signs. */
  readonly subjectDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type LeafProfile =
  /** cryptogen's identity certificate for msp/signcerts. */
  | { kind: 'signing' }
  /** cryptogen's TLS certificate (server and client auth) with SANs. */
  | { kind: 'tls'; hosts: readonly string[] }
  /** fabric-ca's enrolment certificate, optionally with the attribute extension. */
  | {
      kind: 'enrollment';
      attributes?: Readonly<Record<string, string>> | undefined;
      hosts?: readonly string[];
    };

export interface IssueRequest {
  subject: SubjectSpec;
  /** The subject's public key: a KeyObject or its SPKI DER (e.g. straight from a CSR). */
  publicKey: KeyObject | Buffer;
  profile: LeafProfile;
  notBefore?: Date;
  notAfter?: Date;
}

// Extension values that never vary, encoded once.
const KU_DIGITAL_SIGNATURE = extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7));
const KU_TLS = extension(OID.keyUsage, true, bitString(Buffer.from([0xa0]), 5));
const KU_CA = extension(OID.keyUsage, true, bitString(Buffer.from([0xa6]), 1));
const BC_NOT_CA = extension(OID.basicConstraints, true, seq());
const BC_CA = extension(OID.basicConstraints, true, seq(boolTrue()));
const EKU_CLIENT_SERVER = extension(OID.extKeyUsage, false, seq(oid(OID.clientAuth), oid(OID.serverAuth)));
const EKU_SERVER_CLIENT = extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth)));
const ALG_ECDSA_SHA256 = seq(oid(OID.ecdsaWithSha256));

/** Self-signed CA root as cryptogen makes it (ca/ and tlsca/ of an org). */
export function createRootCa(
  subject: SubjectSpec,
  keys: { privateKey: KeyObject; publicKey: KeyObject },
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<SigningCa> {
  const now = Date.now();
  const spki = spkiDer(keys.publicKey);
  const ski = sha256KeyId(spki);
  const name = encodeName(subject);
  const der = buildCertificate({
    serial: randomSerial(),
    issuer: name,
    subject: name,
    spki,
    notBefore: validity.notBefore ?? roundedBackdate(now),
    notAfter: validity.notAfter ?? new Date(now + TEN_YEARS_MS),
    extensions: [KU_CA, EKU_CLIENT_SERVER, BC_CA, extension(OID.subjectKeyId, false, octetString(ski))],
    signer: keys.privateKey,
  });
  return Promise.resolve(signingCaFrom(derToPem('CERTIFICATE', der), keys.privateKey));
}

/** Loads a CA from its PEM certificate and PEM private key (PKCS#8 or SEC1). */
export function loadSigningCa(certificatePem: string, privateKeyPem: string): Promise<SigningCa> {
  const privateKey = loadP256PrivateKeyObject(privateKeyPem);
  const fromKey = spkiDer(createPublicKey(privateKey));
  const fromCert = spkiDer(createPublicKey(certificatePem));
  if (!fromKey.equals(fromCert)) throw new Error('the CA private key does not belong to the CA certificate');
  return Promise.resolve(signingCaFrom(certificatePem, privateKey));
}

function signingCaFrom(certificatePem: string, privateKey: KeyObject): SigningCa {
  const certificate = new X509Certificate(certificatePem);
  const fields = tbsFields(pemToDer(certificatePem, 'CERTIFICATE'));
  const skiExt = fields.extensions.get(OID.subjectKeyId);
  const ski = skiExt === undefined ? sha1KeyId(fields.spki) : readTlv(skiExt).content;
  return {
    certificatePem,
    certificate,
    privateKey,
    subjectKeyIdHex: ski.toString('hex'),
    subjectDer: fields.subject,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
  };
}

/** Issues a leaf certificate signed by `ca`. Returns the PEM. */
export function issueCertificate(ca: SigningCa, request: IssueRequest): Promise<string> {
  return Promise.resolve(issueCertificateSync(ca, request).pem);
}

export interface IssuedCertificatePem {
  readonly pem: string;
  /** Lower-case hex serial without leading zeros (how fabric-ca stores and compares serials). */
  readonly serialHex: string;
}

/** Synchronous issuance that also returns the serial, so a CA need not parse what it just built. */
export function issueCertificateSync(ca: SigningCa, request: IssueRequest): IssuedCertificatePem {
  const now = Date.now();
  const profile = request.profile;
  const spki = Buffer.isBuffer(request.publicKey) ? request.publicKey : spkiDer(request.publicKey);
  const extensions: Buffer[] = [];
  switch (profile.kind) {
    case 'signing':
      extensions.push(KU_DIGITAL_SIGNATURE, BC_NOT_CA);
      break;
    case 'tls':
      extensions.push(KU_TLS, EKU_SERVER_CLIENT, BC_NOT_CA, subjectAltNames(profile.hosts));
      break;
    case 'enrollment':
      extensions.push(KU_DIGITAL_SIGNATURE, BC_NOT_CA);
      extensions.push(extension(OID.subjectKeyId, false, octetString(sha1KeyId(spki))));
      if (profile.hosts !== undefined && profile.hosts.length > 0)
        extensions.push(subjectAltNames(profile.hosts));
      if (profile.attributes !== undefined) extensions.push(attributeExtension(profile.attributes));
      break;
  }
  extensions.push(
    extension(OID.authorityKeyId, false, seq(context(0, Buffer.from(ca.subjectKeyIdHex, 'hex'), false))),
  );
  const lifetime = profile.kind === 'enrollment' ? ONE_YEAR_MS : TEN_YEARS_MS;
  const serial = randomSerial();
  const der = buildCertificate({
    serial,
    issuer: ca.subjectDer,
    subject: encodeName(request.subject),
    spki,
    // Never before the CA's own notBefore: Fabric checks the chain at the leaf's notBefore + 1 s, so a leaf that
    // starts before its CA (the CA's start is rounded to the minute) would not validate in any MSP.
    notBefore: request.notBefore ?? laterOf(roundedBackdate(now), ca.notBefore),
    notAfter: request.notAfter ?? capAt(new Date(now + lifetime), ca.notAfter),
    extensions,
    signer: ca.privateKey,
  });
  return { pem: derToPem('CERTIFICATE', der), serialHex: serial.toString('hex').replace(/^0+/, '') };
}

/**
 * The attribute extension exactly as fabric-ca writes it: non-critical, the extension value is the JSON itself
 * (Go's json.Marshal of map[string]string, so keys sorted), not DER-wrapped.
 */
export function attributeExtension(attributes: Readonly<Record<string, string>>): Buffer {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(attributes).sort()) sorted[name] = attributes[name] ?? '';
  return extension(FABRIC_ATTRS_OID, false, Buffer.from(JSON.stringify({ attrs: sorted })));
}

/** Reads the attributes back from a certificate (what fabric-shim's ClientIdentity does); {} when absent. */
export function readCertificateAttributes(certificatePem: string): Record<string, string> {
  const value = tbsFields(pemToDer(certificatePem, 'CERTIFICATE')).extensions.get(FABRIC_ATTRS_OID);
  if (value === undefined) return {};
  const parsed = JSON.parse(value.toString('utf8')) as { attrs?: Record<string, string> };
  return parsed.attrs ?? {};
}

/** Extension values (the OCTET STRING contents) of a certificate, by OID. */
export function certificateExtensions(certificatePem: string): Map<string, Buffer> {
  return tbsFields(pemToDer(certificatePem, 'CERTIFICATE')).extensions;
}

interface TbsFields {
  subject: Buffer;
  spki: Buffer;
  extensions: Map<string, Buffer>;
}

/** Picks the subject, SPKI and extensions out of a DER certificate. */
function tbsFields(certificateDer: Buffer): TbsFields {
  const [tbs] = children(readTlv(certificateDer));
  if (tbs === undefined) throw new Error('certificate has no TBSCertificate');
  const fields = children(tbs);
  // With an explicit [0] version first: version, serial, signature, issuer, validity, subject, spki, ...
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[base + 4];
  const spki = fields[base + 5];
  if (subject === undefined || spki === undefined)
    throw new Error('certificate TBS is missing subject or key');
  const extensions = new Map<string, Buffer>();
  const extsWrapper = fields.find((f) => f.tag === 0xa3);
  if (extsWrapper !== undefined) {
    const [list] = children(extsWrapper);
    for (const ext of list === undefined ? [] : children(list)) {
      const parts = children(ext);
      const id = parts[0];
      const value = parts[parts.length - 1];
      if (id !== undefined && value !== undefined) extensions.set(decodeOid(id.content), value.content);
    }
  }
  return { subject: subject.raw, spki: spki.raw, extensions };
}

interface CertificateParts {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: readonly Buffer[];
  signer: KeyObject;
}

function buildCertificate(parts: CertificateParts): Buffer {
  const tbs = seq(
    context(0, unsignedInteger(Buffer.from([2])), true),
    unsignedInteger(parts.serial),
    ALG_ECDSA_SHA256,
    parts.issuer,
    seq(time(parts.notBefore), time(parts.notAfter)),
    parts.subject,
    parts.spki,
    context(3, seq(...parts.extensions), true),
  );
  const signature = signLowS(parts.signer, tbs);
  return seq(tbs, ALG_ECDSA_SHA256, bitString(signature));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), boolTrue(), octetString(value)) : seq(oid(id), octetString(value));
}

function subjectAltNames(hosts: readonly string[]): Buffer {
  const names = [...new Set(hosts)].map((host) => {
    if (isIP(host) === 4) return context(7, Buffer.from(host.split('.').map(Number)), false);
    if (isIP(host) === 6) return context(7, ipv6Bytes(host), false);
    return context(2, Buffer.from(host, 'ascii'), false);
  });
  return extension(OID.subjectAltName, false, seq(...names));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export function encodeName(subject: SubjectSpec): Buffer {
  const rdns: Buffer[] = [];
  const add = (type: string, value: string | undefined): void => {
    if (value !== undefined) rdns.push(set(seq(oid(type), directoryString(value))));
  };
  add(OID.country, subject.country);
  add(OID.state, subject.state);
  add(OID.locality, subject.locality);
  add(OID.organization, subject.organization);
  for (const ou of subject.organizationalUnits ?? []) add(OID.organizationalUnit, ou);
  add(OID.commonName, subject.commonName);
  return seq(...rdns);
}

/** A positive 128-bit serial. */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

function roundedBackdate(now: number): Date {
  return new Date(Math.round(now / 60_000) * 60_000 - BACKDATE_MS);
}

function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function capAt(date: Date, limit: Date): Date {
  return date.getTime() > limit.getTime() ? limit : date;
}
