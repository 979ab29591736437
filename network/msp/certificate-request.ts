/**
 * PKCS#10 certificate signing requests for an EC P-256 key, built as DER (der.ts) and signed with Node's crypto.
 * fabric-ca-client's own CSR path makes the key and signs the request in pure JS (jsrsasign), ≈ 100 ms per user;
 * `FabricCAServices.enroll({ csr })` takes a ready request instead, and this one costs about a millisecond.
 */
import { sign, type KeyObject } from 'node:crypto';
import { encodeName } from './cert-issuer.js';
import { bitString, context, derToPem, oid, seq, unsignedInteger } from './der.js';
import { generateP256KeyPair, spkiDer, type P256KeyPair } from './keys.js';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** A PEM `CERTIFICATE REQUEST` for `commonName` (the enrolment id: Fabric CA requires CN = id), no attributes. */
export function certificateRequestPem(commonName: string, keys: P256KeyPair): string {
  const info = seq(
    unsignedInteger(Buffer.from([0])),
    encodeName({ commonName }),
    spkiDer(keys.publicKey),
    // attributes [0] IMPLICIT SET OF Attribute: required, empty.
    context(0, Buffer.alloc(0), true),
  );
  const signature = sign('sha256', info, keys.privateKey);
  return derToPem('CERTIFICATE REQUEST', seq(info, seq(oid(ECDSA_WITH_SHA256)), bitString(signature)));
}

/** A fresh P-256 key and a request for it. */
export function newCertificateRequest(commonName: string): { csrPem: string; privateKey: KeyObject } {
  const keys = generateP256KeyPair();
  return { csrPem: certificateRequestPem(commonName, keys), privateKey: keys.privateKey };
}
