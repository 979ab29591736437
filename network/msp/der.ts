/**
 * The little DER the devnet needs to build and read X.509 certificates and PKCS#10 requests with Node's own
 * crypto. @peculiar/x509 did this at 5–10 ms per certificate (asn1js); a CA that must enrol thousands of users in
 * seconds cannot afford that, and Node signs and verifies synchronously in well under a millisecond.
 */

export interface DerNode {
  readonly tag: number;
  /** The whole TLV (tag, length, value). */
  readonly raw: Buffer;
  /** The value bytes. */
  readonly content: Buffer;
}

export class DerError extends Error {
  readonly code = 'DER_MALFORMED';
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Reads one TLV at `offset` of `buf`. */
export function readTlv(buf: Buffer, offset = 0): DerNode {
  const tag = buf[offset];
  let lengthByte = buf[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new DerError('truncated DER');
  let pos = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = buf[pos++];
      if (lengthByte === undefined) throw new DerError('truncated DER length');
      length = length * 256 + lengthByte;
    }
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError('DER value runs past the end of the input');
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(pos, end) };
}

/** The TLVs inside a constructed value. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readTlv(node.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function decodeOid(content: Buffer): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

// ---- encoding ----

export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) header = Buffer.from([tag, n]);
  else if (n < 0x100) header = Buffer.from([tag, 0x81, n]);
  else if (n < 0x10000) header = Buffer.from([tag, 0x82, n >> 8, n & 0xff]);
  else header = Buffer.from([tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([header, content]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
export const octetString = (value: Buffer): Buffer => tlv(0x04, value);
export const bitString = (value: Buffer, unusedBits = 0): Buffer =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), value]));
export const boolTrue = (): Buffer => Buffer.from([0x01, 0x01, 0xff]);
/** Context-specific tag `n`; constructed (EXPLICIT wrapper or IMPLICIT SEQUENCE) or primitive (IMPLICIT). */
export const context = (n: number, content: Buffer, constructed: boolean): Buffer =>
  tlv((constructed ? 0xa0 : 0x80) | n, content);

/** A non-negative INTEGER from big-endian magnitude bytes (leading zeros stripped, 0x00 added when the top bit is set). */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let bytes = magnitude.subarray(start);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = parts;
  const bytes: number[] = [];
  for (const value of [a * 40 + b, ...rest]) {
    const chunk: number[] = [value & 0x7f];
    let v = Math.floor(value / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** Go's asn1 marshals a string as PrintableString when it can, UTF8String otherwise (pkix.Name does the same). */
export function directoryString(value: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(value, 'utf8'));
}

export const ia5String = (value: string): Buffer => tlv(0x16, Buffer.from(value, 'ascii'));

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** PEM body → DER. */
export function pemToDer(pem: string, label: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (match?.[1] === undefined) throw new DerError(`no ${label} PEM block`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

export function derToPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
