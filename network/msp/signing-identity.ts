/**
 * A node's or user's own signing identity, loaded from an MSP folder as Fabric lays it out: the certificate in
 * signcerts/ and the private key in keystore/ (cryptogen names it priv_sk; fabric-ca-client names it <ski>_sk).
 */
import { createPublicKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { msp as mspProtos } from '@hyperledger/fabric-protos';
import { signLowS } from './ecdsa.js';
import { loadP256PrivateKeyObject } from './keys.js';
import type { SigningIdentity } from './types.js';

/** bytes(msp.SerializedIdentity{mspid, id_bytes = certificate PEM}): what goes into a SignatureHeader's creator. */
export function serializeIdentity(mspId: string, certificatePem: string): Uint8Array {
  const identity = new mspProtos.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certificatePem, 'utf8'));
  return identity.serializeBinary();
}

export interface LoadedSigningIdentity extends SigningIdentity {
  readonly certificatePem: string;
}

/** Builds a signing identity from a PEM certificate and PEM private key; refuses a key that does not match. */
export function signingIdentityFromPem(
  mspId: string,
  certificatePem: string,
  privateKeyPem: string,
): LoadedSigningIdentity {
  const privateKey = loadP256PrivateKeyObject(privateKeyPem);
  const fromKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const fromCert = createPublicKey(certificatePem).export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromCert)) {
    throw new Error(`the private key does not belong to the certificate of this ${mspId} identity`);
  }
  const serialized = serializeIdentity(mspId, certificatePem);
  return {
    mspId,
    serialized,
    certificatePem,
    sign: (message: Uint8Array): Uint8Array => signLowS(privateKey, message),
  };
}

/** Loads `<mspDir>/signcerts/*` (the first PEM file) and `<mspDir>/keystore/*` (the first key file). */
export async function loadSigningIdentity(mspId: string, mspDir: string): Promise<LoadedSigningIdentity> {
  const certificatePem = await readFirstFile(join(mspDir, 'signcerts'), 'a certificate');
  const privateKeyPem = await readFirstFile(join(mspDir, 'keystore'), 'a private key');
  return signingIdentityFromPem(mspId, certificatePem, privateKeyPem);
}

async function readFirstFile(dir: string, what: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const first = names[0];
  if (first === undefined) throw new Error(`expected ${what} in ${dir}, found no file`);
  return readFile(join(dir, first), 'utf8');
}
