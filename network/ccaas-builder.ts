/**
 * Chaincode as a service without Docker: the external builder the peer runs (three POSIX sh scripts) and the
 * chaincode package it is given (metadata.json + code.tar.gz holding connection.json). The peer passes the builder
 * only PATH, TMPDIR, LD_LIBRARY_PATH, LIBPATH and the propagated variables, so the scripts rely on nothing else.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tarGzBytes } from './tar-writer.js';

/** detect CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR — claims packages whose metadata.json type is "ccaas". */
const DETECT = `#!/bin/sh
# fhirledger ccaas external builder: detect. Exit 0 only for a chaincode-as-a-service package.
set -eu
METADATA="$2/metadata.json"
[ -f "$METADATA" ] || exit 1
grep -Eq '"type"[[:space:]]*:[[:space:]]*"ccaas"' "$METADATA"
`;

/** build CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR BUILD_OUTPUT_DIR — nothing to compile, keep the address. */
const BUILD = `#!/bin/sh
# fhirledger ccaas external builder: build. Copies connection.json (and META-INF, if any) to the output.
set -eu
SOURCE="$1"
OUTPUT="$3"
if [ ! -f "$SOURCE/connection.json" ]; then
  echo "ccaas build: $SOURCE/connection.json not found in the chaincode package" >&2
  exit 1
fi
cp "$SOURCE/connection.json" "$OUTPUT/connection.json"
if [ -d "$SOURCE/META-INF" ]; then
  cp -R "$SOURCE/META-INF" "$OUTPUT/META-INF"
fi
`;

/** release BUILD_OUTPUT_DIR RELEASE_OUTPUT_DIR — the peer reads chaincode/server/connection.json to dial the server. */
const RELEASE = `#!/bin/sh
# fhirledger ccaas external builder: release. Puts connection.json where the peer looks for a chaincode server.
set -eu
BUILD="$1"
RELEASE="$2"
if [ ! -f "$BUILD/connection.json" ]; then
  echo "ccaas release: $BUILD/connection.json not found" >&2
  exit 1
fi
mkdir -p "$RELEASE/chaincode/server"
cp "$BUILD/connection.json" "$RELEASE/chaincode/server/connection.json"
`;

export const BUILDER_SCRIPTS = { detect: DETECT, build: BUILD, release: RELEASE } as const;

/** Writes `<dir>/bin/{detect,build,release}` (mode 755); `dir` is what CORE_CHAINCODE_EXTERNALBUILDERS points at. */
export async function writeCcaasBuilder(dir: string): Promise<void> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const [name, script] of Object.entries(BUILDER_SCRIPTS)) {
    const file = path.join(bin, name);
    await writeFile(file, script);
    // writeFile keeps the mode of an existing file; set it explicitly so a rewrite also ends executable.
    await chmod(file, 0o755);
  }
}

export class ChaincodePackageError extends Error {
  readonly code = 'CHAINCODE_BAD_LABEL';
  constructor(message: string) {
    super(message);
    this.name = 'ChaincodePackageError';
  }
}

export interface ChaincodeConnection {
  /** host:port of the chaincode server, e.g. "127.0.0.1:7100". */
  address: string;
  /** How long the peer waits to connect, e.g. "10s". */
  dialTimeout?: string;
}

export interface ChaincodePackage {
  file: string;
  label: string;
  /** What `peer lifecycle chaincode install` reports: `<label>:<sha256 of the package bytes>`. */
  packageId: string;
}

/** Fabric's rule for package labels. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

export function chaincodePackageBytes(label: string, connection: ChaincodeConnection): Buffer {
  if (!LABEL.test(label)) {
    throw new ChaincodePackageError(
      `chaincode label "${label}" is not allowed (expected a letter or digit, then letters, digits, "_", ".", "+" or "-")`,
    );
  }
  // Loopback without TLS: the chaincode server is reachable only from this host.
  const connectionJson = JSON.stringify({
    address: connection.address,
    dial_timeout: connection.dialTimeout ?? '10s',
    tls_required: false,
  });
  const code = tarGzBytes([{ name: 'connection.json', content: Buffer.from(connectionJson) }]);
  const metadata = JSON.stringify({ type: 'ccaas', label });
  return tarGzBytes([
    { name: 'metadata.json', content: Buffer.from(metadata) },
    { name: 'code.tar.gz', content: code },
  ]);
}

export function packageIdOf(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Writes the package once; install that same file on every peer so they all agree on the package id. */
export async function writeChaincodePackage(
  file: string,
  label: string,
  connection: ChaincodeConnection,
): Promise<ChaincodePackage> {
  const bytes = chaincodePackageBytes(label, connection);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return { file, label, packageId: packageIdOf(label, bytes) };
}
