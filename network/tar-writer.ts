/**
 * A minimal ustar writer for the few small regular files a chaincode package holds. Fixed mode, owner and mtime
 * make the bytes depend on the contents only: the package id is a hash of these bytes, and every peer must install
 * the very same package.
 */
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  content: Buffer;
}

export class TarWriterError extends Error {
  readonly code = 'TAR_BAD_ENTRY';
  constructor(message: string) {
    super(message);
    this.name = 'TarWriterError';
  }
}

function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'ascii');
}

function octal(value: number, length: number): string {
  // length - 1 digits and a terminating NUL, as ustar expects.
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function headerFor(entry: TarEntry): Buffer {
  if (!/^[A-Za-z0-9._/-]{1,99}$/.test(entry.name) || entry.name.split('/').includes('..')) {
    throw new TarWriterError(
      `tar entry name "${entry.name}" is not allowed (expected 1-99 characters of A-Z a-z 0-9 . _ - /, no "..")`,
    );
  }
  const header = Buffer.alloc(BLOCK);
  writeField(header, 0, 100, entry.name);
  writeField(header, 100, 8, octal(0o644, 8));
  writeField(header, 108, 8, octal(0, 8));
  writeField(header, 116, 8, octal(0, 8));
  writeField(header, 124, 12, octal(entry.content.length, 12));
  writeField(header, 136, 12, octal(0, 12));
  writeField(header, 148, 8, '        '); // checksum is computed with its own field as spaces
  writeField(header, 156, 1, '0');
  writeField(header, 257, 6, 'ustar\0');
  writeField(header, 263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeField(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

export function tarBytes(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(headerFor(entry), entry.content);
    const padding = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
    parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** gzip of the tar; node's gzip header carries no timestamp, so equal entries give equal bytes. */
export function tarGzBytes(entries: readonly TarEntry[]): Buffer {
  return gzipSync(tarBytes(entries));
}
