/**
 * The PKCS#10 request in an enroll/reenroll body: parsed, its self-signature checked, its key required to be
 * EC P-256 (the devnet signs and verifies nothing else), its subject read.
 */
import { x509 } from '../msp/peculiar-x509.js';
import { CaError } from './ca-errors.js';

export interface ParsedCsr {
  readonly commonName: string;
  /** Non-OU subject fields kept in the issued certificate (cfssl keeps C, ST, L, O from the request). */
  readonly country?: string;
  readonly state?: string;
  readonly locality?: string;
  readonly organization?: string;
  readonly publicKey: x509.PublicKey;
}

const badCsr = (detail: string): CaError => new CaError('BAD_CSR', 400, detail);

export async function parseCsr(pem: unknown): Promise<ParsedCsr> {
  if (typeof pem !== 'string' || !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) {
    throw badCsr('certificate_request is not a PEM certificate signing request');
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.replace(/NEW CERTIFICATE REQUEST/g, 'CERTIFICATE REQUEST'));
  } catch (err) {
    throw badCsr(`Failed to parse CSR: ${String(err)}`);
  }
  const algorithm = csr.publicKey.algorithm as { name?: string; namedCurve?: string };
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw badCsr(
      `CSR key must be EC P-256, got ${algorithm.name ?? '?'} ${algorithm.namedCurve ?? ''}`.trim(),
    );
  }
  if (!(await csr.verify())) throw badCsr('CSR signature does not verify');
  const first = (type: string): string | undefined => csr.subjectName.getField(type)[0];
  return {
    commonName: first('CN') ?? '',
    country: first('C'),
    state: first('ST'),
    locality: first('L'),
    organization: first('O'),
    publicKey: csr.publicKey,
  };
}
