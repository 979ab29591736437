/**
 * EC P-256 keys as Node KeyObjects: PKCS#8 PEM is what Fabric's keystore/priv_sk holds, SPKI DER is what goes
 * into certificates, and signLowS / crypto.verify take KeyObjects directly.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface P256KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateP256KeyPair(): P256KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export function exportPkcs8Pem(privateKey: KeyObject): string {
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** KeyObject for a PEM private key (PKCS#8 or SEC1), checked to be P-256. */
export function loadP256PrivateKeyObject(pem: string): KeyObject {
  const keyObject = createPrivateKey(pem);
  assertP256(keyObject);
  return keyObject;
}

export function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' });
}

/** The uncompressed EC point (0x04‖X‖Y): the last 65 bytes of a P-256 SPKI. */
export function publicPoint(spki: Buffer): Buffer {
  return spki.subarray(spki.length - 65);
}

/** cryptogen's CA subject key identifier: SHA-256 of the EC point. */
export function sha256KeyId(spki: Buffer): Buffer {
  return createHash('sha256').update(publicPoint(spki)).digest();
}

/** cfssl's (fabric-ca's) subject key identifier: SHA-1 of the EC point. */
export function sha1KeyId(spki: Buffer): Buffer {
  return createHash('sha1').update(publicPoint(spki)).digest();
}

export function assertP256(keyObject: KeyObject): void {
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  if (keyObject.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(
      `expected an EC P-256 key, got ${keyObject.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim(),
    );
  }
}
