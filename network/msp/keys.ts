/**
 * EC P-256 keys in the two shapes the devnet needs: WebCrypto CryptoKeys (what @peculiar/x509 signs certificates
 * with) and PKCS#8 PEM / Node KeyObjects (what Fabric's keystore/priv_sk holds and what signLowS uses).
 */
import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface P256KeyPair {
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
}

/** A fresh extractable key pair: extractable so that the private key can be written to a keystore. */
export async function generateP256KeyPair(): Promise<P256KeyPair> {
  const pair = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

export async function exportPkcs8Pem(privateKey: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey));
  return toPem('PRIVATE KEY', der);
}

/** Imports a PKCS#8 (or SEC1 "EC PRIVATE KEY") PEM as a WebCrypto signing key; refuses anything not P-256. */
export async function importP256PrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  const keyObject = createPrivateKey(pem);
  assertP256(keyObject);
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
}

/** Node KeyObject for a PEM private key, checked to be P-256 (the only curve Fabric's default BCCSP signs with here). */
export function loadP256PrivateKeyObject(pem: string): KeyObject {
  const keyObject = createPrivateKey(pem);
  assertP256(keyObject);
  return keyObject;
}

/** The uncompressed EC point (0x04‖X‖Y) of a public key: what cryptogen hashes into a subject key identifier. */
export async function rawPublicPoint(publicKey: webcrypto.CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('raw', publicKey));
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function assertP256(keyObject: KeyObject): void {
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  if (keyObject.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(
      `expected an EC P-256 private key, got ${keyObject.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim(),
    );
  }
}
