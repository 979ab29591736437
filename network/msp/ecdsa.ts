/**
 * ECDSA P-256 / SHA-256 the way Fabric's BCCSP does it: DER signatures whose S is in the lower half of the curve
 * order. Fabric normalises every signature it makes to low-S and its verifier (bccsp/sw/ecdsa.go) refuses a high-S
 * one, so that a signature cannot be re-encoded into a second valid form (malleability). Node's crypto.sign picks S
 * at random in [1, n-1], so half its signatures would be refused by a real peer without this normalisation.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_N = P256_N >> 1n;

export type PrivateKeyInput = KeyObject | string;
export type PublicKeyInput = KeyObject | string;

/** Signs SHA-256(message) with an EC P-256 private key; returns a DER signature with S ≤ n/2. */
export function signLowS(privateKey: PrivateKeyInput, message: Uint8Array): Buffer {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const der = sign('sha256', message, key);
  const parsed = parseDerSignature(der);
  if (parsed === undefined) throw new Error('crypto.sign returned a signature that is not DER ECDSA');
  if (parsed.s <= P256_HALF_N) return der;
  return encodeDerSignature(parsed.r, P256_N - parsed.s);
}

/**
 * True when `signature` is a well-formed DER ECDSA signature over SHA-256(message) by `publicKey` with S ≤ n/2.
 * False for anything else (malformed, high-S, wrong key), never throws on bad input.
 */
export function verifyLowS(publicKey: PublicKeyInput, message: Uint8Array, signature: Uint8Array): boolean {
  const parsed = parseDerSignature(signature);
  if (parsed === undefined) return false;
  if (parsed.r <= 0n || parsed.s <= 0n || parsed.r >= P256_N || parsed.s > P256_HALF_N) return false;
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify('sha256', message, key, signature);
  } catch {
    // A key of the wrong type or a signature OpenSSL cannot decode is a failed verification, not a crash.
    return false;
  }
}

/** True when the DER signature's S is in the upper half of the order (what Fabric refuses). */
export function isHighS(signature: Uint8Array): boolean {
  const parsed = parseDerSignature(signature);
  return parsed !== undefined && parsed.s > P256_HALF_N;
}

export interface EcdsaSignatureValues {
  r: bigint;
  s: bigint;
}

/** Strict DER: SEQUENCE { INTEGER r, INTEGER s } with short or one/two-byte long lengths and nothing after it. */
export function parseDerSignature(der: Uint8Array): EcdsaSignatureValues | undefined {
  let offset = 0;
  const readLength = (): number | undefined => {
    const first = der[offset++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined;
    let length = 0;
    for (let i = 0; i < count; i++) {
      const b = der[offset++];
      if (b === undefined) return undefined;
      length = (length << 8) | b;
    }
    return length;
  };
  const readInteger = (): bigint | undefined => {
    if (der[offset++] !== 0x02) return undefined;
    const length = readLength();
    if (length === undefined || length === 0 || offset + length > der.length) return undefined;
    const bytes = der.subarray(offset, offset + length);
    offset += length;
    // Negative integers are not valid r or s.
    if ((bytes[0] ?? 0) & 0x80) return undefined;
    // Non-minimal encodings are refused, as Go's encoding/asn1 does.
    if (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) return undefined;
    return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  };
  if (der[offset++] !== 0x30) return undefined;
  const seqLength = readLength();
  if (seqLength === undefined || offset + seqLength !== der.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (r === undefined || s === undefined || offset !== der.length) return undefined;
  return { r, s };
}

export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeDerInteger(r), encodeDerInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), encodeDerLength(body.length), body]);
}

function encodeDerInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // A leading 1 bit would make the INTEGER negative: prefix a zero byte.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), encodeDerLength(bytes.length), bytes]);
}

function encodeDerLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

export const P256_ORDER = P256_N;
