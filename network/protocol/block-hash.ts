/**
 * Fabric's block hashes (protoutil/blockutils.go): the header hash that chains blocks and the data hash that
 * binds the transactions to the header. Peers and SDKs recompute both, so these must be byte-exact.
 */
import { createHash } from 'node:crypto';

/** DER length octets: short form below 128, long form (0x80 | n, then n big-endian bytes) above. */
function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function derElement(tag: number, content: Uint8Array): Uint8Array {
  const length = derLength(content.length);
  const out = new Uint8Array(1 + length.length + content.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

/**
 * A non-negative INTEGER as Go's encoding/asn1 writes a *big.Int: minimal big-endian bytes, one leading 0x00
 * when the top bit is set (so it stays positive), and a single 0x00 for zero.
 */
function derUnsignedInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`block number ${value} is not a safe uint`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return derElement(0x02, Uint8Array.from(bytes));
}

/** protoutil.BlockHeaderBytes: DER SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }. */
export function blockHeaderBytes(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  const parts = [derUnsignedInteger(number), derElement(0x04, previousHash), derElement(0x04, dataHash)];
  const content = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    content.set(part, offset);
    offset += part.length;
  }
  return derElement(0x30, content);
}

/** protoutil.BlockHeaderHash: SHA-256 of the DER header; the next block's previous_hash. */
export function blockHeaderHash(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(blockHeaderBytes(number, previousHash, dataHash))
    .digest();
}

/** protoutil.BlockDataHash: SHA-256 over the envelopes' bytes joined with no separator. */
export function blockDataHash(data: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const envelope of data) hash.update(envelope);
  return hash.digest();
}
