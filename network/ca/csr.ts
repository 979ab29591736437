/**
 * The PKCS#10 request in an enroll/reenroll body: parsed (DER, see msp/der.ts), its self-signature checked, its key
 * required to be EC P-256 (the devnet signs and verifies nothing else), its subject read.
 */
import { createPublicKey, verify } from 'node:crypto';
import { children, decodeOid, pemToDer, readTlv, type DerNode } from '../msp/der.js';
import { CaError } from './ca-errors.js';

export interface ParsedCsr {
  readonly commonName: string;
  /** Non-OU subject fields kept in the issued certificate (cfssl keeps C, ST, L, O from the request). */
  readonly country?: string | undefined;
  readonly state?: string | undefined;
  readonly locality?: string | undefined;
  readonly organization?: string | undefined;
  /** SubjectPublicKeyInfo DER. */
  readonly publicKey: Buffer;
}

const NAME_FIELDS: Record<string, 'commonName' | 'country' | 'state' | 'locality' | 'organization'> = {
  '2.5.4.3': 'commonName',
  '2.5.4.6': 'country',
  '2.5.4.8': 'state',
  '2.5.4.7': 'locality',
  '2.5.4.10': 'organization',
};

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const PRIME256V1 = '1.2.840.10045.3.1.7';

const badCsr = (detail: string): CaError => new CaError('BAD_CSR', 400, detail);

export function parseCsr(pem: unknown): ParsedCsr {
  if (typeof pem !== 'string' || !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) {
    throw badCsr('certificate_request is not a PEM certificate signing request');
  }
  const label = pem.includes('NEW CERTIFICATE REQUEST') ? 'NEW CERTIFICATE REQUEST' : 'CERTIFICATE REQUEST';
  let info: DerNode;
  let subject: DerNode;
  let spki: DerNode;
  let signature: DerNode;
  try {
    const [cri, , sig] = children(readTlv(pemToDer(pem, label)));
    if (cri === undefined || sig === undefined)
      throw new Error('expected SEQUENCE { info, algorithm, signature }');
    const [, name, key] = children(cri);
    if (name === undefined || key === undefined) throw new Error('request info lacks subject or key');
    info = cri;
    subject = name;
    spki = key;
    signature = sig;
  } catch (err) {
    throw badCsr(`Failed to parse CSR: ${String(err)}`);
  }
  // Read the key's algorithm from the DER: asking a KeyObject for its details costs more than the check itself.
  const [algorithm] = children(spki);
  const [keyType, curve] = algorithm === undefined ? [] : children(algorithm);
  if (
    keyType === undefined ||
    curve === undefined ||
    decodeOid(keyType.content) !== EC_PUBLIC_KEY ||
    decodeOid(curve.content) !== PRIME256V1
  ) {
    throw badCsr('CSR key must be EC P-256');
  }
  let publicKey;
  try {
    publicKey = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  } catch (err) {
    throw badCsr(`CSR public key is invalid: ${String(err)}`);
  }
  // BIT STRING: first content byte is the unused-bit count (0), the rest is the DER ECDSA signature.
  if (!verify('sha256', info.raw, publicKey, signature.content.subarray(1))) {
    throw badCsr('CSR signature does not verify');
  }
  const fields: { -readonly [K in keyof ParsedCsr]?: ParsedCsr[K] } = {};
  for (const rdn of children(subject)) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute);
      if (type === undefined || value === undefined) continue;
      const field = NAME_FIELDS[decodeOid(type.content)];
      if (field !== undefined && fields[field] === undefined) fields[field] = value.content.toString('utf8');
    }
  }
  return { ...fields, commonName: fields.commonName ?? '', publicKey: spki.raw };
}
