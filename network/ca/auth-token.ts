/**
 * Fabric CA's X.509 token (fabric-ca util/util.go GenECDSAToken / VerifyToken), what fabric-ca-client sends as
 * `Authorization` on register, reenroll and revoke: `<b64(certPEM)>.<b64(DER signature)>`, the signature (low-S
 * ECDSA-SHA256) over `<METHOD>.<b64(request URI)>.<b64(body)>.<b64(certPEM)>`.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { verifyLowS } from '../msp/ecdsa.js';
import { authenticationError } from './ca-errors.js';

export interface TokenCertificate {
  readonly certificate: X509Certificate;
  readonly certificatePem: string;
  readonly publicKey: KeyObject;
  /** The enrolment id the certificate stands for (its subject CN). */
  readonly enrollmentId: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

export type VerifiedToken = TokenCertificate;

/**
 * Parsed token certificates by their base64 text. A registrar sends the same certificate with every register, and
 * parsing it (X509Certificate, its public key) cost more than checking the signature; bounded, so a stream of
 * distinct certificates cannot grow it.
 */
export class TokenCertificateCache {
  readonly #entries = new Map<string, TokenCertificate>();

  constructor(private readonly capacity = 256) {}

  get(b64Cert: string): TokenCertificate {
    const cached = this.#entries.get(b64Cert);
    if (cached !== undefined) return cached;
    const certificatePem = Buffer.from(b64Cert, 'base64').toString('utf8');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certificatePem);
    } catch (err) {
      throw authenticationError(`Invalid token in authorization header: bad certificate: ${String(err)}`);
    }
    const entry = {
      certificate,
      certificatePem,
      publicKey: certificate.publicKey,
      enrollmentId: enrollmentIdOf(certificate),
      notBeforeMs: new Date(certificate.validFrom).getTime(),
      notAfterMs: new Date(certificate.validTo).getTime(),
    };
    if (this.#entries.size >= this.capacity) this.#entries.clear();
    this.#entries.set(b64Cert, entry);
    return entry;
  }
}

/** Checks the token's form and signature; throws CaError (401/20) otherwise. Does not check who issued the cert. */
export function verifyAuthToken(
  header: string,
  method: string,
  uri: string,
  body: Buffer,
  certificates: TokenCertificateCache = new TokenCertificateCache(),
): VerifiedToken {
  const parts = header.split('.');
  if (
    parts.length !== 2 ||
    parts[0] === undefined ||
    parts[1] === undefined ||
    parts[0] === '' ||
    parts[1] === ''
  ) {
    throw authenticationError(
      'Invalid token in authorization header: Invalid token format; expected <cert>.<sig>',
    );
  }
  const b64Cert = parts[0];
  const parsed = certificates.get(b64Cert);
  const signed = `${method}.${Buffer.from(uri).toString('base64')}.${body.toString('base64')}.${b64Cert}`;
  const signature = Buffer.from(parts[1], 'base64');
  if (!verifyLowS(parsed.publicKey, Buffer.from(signed), signature)) {
    throw authenticationError('Invalid token in authorization header: Failed to verify ECDSA signature');
  }
  return parsed;
}

/** The enrolment id a fabric-ca certificate stands for: its subject CN. */
export function enrollmentIdOf(certificate: X509Certificate): string {
  const line = certificate.subject.split('\n').find((l) => l.startsWith('CN='));
  return line === undefined ? '' : line.slice(3);
}
