/**
 * Test-only SigningIdentity over node:crypto (the real one lives in network/msp). Node's ECDSA signatures are not
 * normalised, so S is folded to the low half as Fabric's BCCSP does (verifiers reject S > n/2).
 */
import { sign, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../../msp/types.js';

const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function readDerInteger(der: Uint8Array, offset: number): { value: bigint; next: number } {
  if (der[offset] !== 0x02) throw new Error('DER signature: INTEGER expected');
  const length = der[offset + 1] ?? 0;
  const bytes = der.subarray(offset + 2, offset + 2 + length);
  return { value: BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`), next: offset + 2 + length };
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
}

/** Re-encodes a DER ECDSA P-256 signature with S ≤ n/2. */
export function toLowS(der: Uint8Array): Uint8Array {
  // P-256 signatures are < 128 bytes, so the SEQUENCE length is always short-form.
  const r = readDerInteger(der, 2);
  const s = readDerInteger(der, r.next);
  if (s.value <= P256_N / 2n) return der;
  const body = Buffer.concat([derInteger(r.value), derInteger(P256_N - s.value)]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

export function createTestSigner(
  mspId: string,
  certificatePem: string,
  privateKey: KeyObject,
): SigningIdentity {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(new TextEncoder().encode(certificatePem));
  return {
    mspId,
    serialized: identity.serializeBinary(),
    sign: (message) => toLowS(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' })),
  };
}
