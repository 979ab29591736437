/**
 * The connection profile: how a fhirledger program finds the Fabric network — channel, chaincode, the peer(s) to
 * use with their TLS roots — and optionally named identities (e.g. the migrator's). A JSON file whose relative paths
 * are resolved against the file's own folder, so `network up` can write one next to the crypto it generates.
 * Loaded once, validated, frozen; every problem names the file and the field.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CHAINCODE_NAME, CHANNEL_NAME } from '../common/ehr-contract.js';
import { isPlainObject } from '../common/fhir-resource.js';
import type { PeerEndpoint, UserCredentials } from './connection.js';

export interface ProfileIdentity {
  mspId: string;
  certificatePath: string;
  privateKeyPath: string;
}

export interface ConnectionProfile {
  file: string;
  channel: string;
  chaincode: string;
  peers: readonly PeerEndpoint[];
  identities: Readonly<Record<string, ProfileIdentity>>;
}

export class ConnectionProfileError extends Error {
  readonly code = 'CONNECTION_PROFILE_INVALID';
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`connection profile ${file}: ${detail}`, options);
    this.name = 'ConnectionProfileError';
  }
}

export function loadConnectionProfile(file: string): ConnectionProfile {
  const absolute = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new ConnectionProfileError(
      absolute,
      `cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  return Object.freeze(parseConnectionProfile(raw, absolute));
}

export function parseConnectionProfile(raw: unknown, file: string): ConnectionProfile {
  const fail = (detail: string) => new ConnectionProfileError(file, detail);
  if (!isPlainObject(raw)) throw fail('expected a JSON object');
  const base = path.dirname(file);
  const resolvePath = (value: unknown, field: string): string => {
    if (typeof value !== 'string' || value === '') throw fail(`${field} must be a non-empty path`);
    return path.resolve(base, value);
  };
  const channel = optionalName(raw.channel, 'channel', CHANNEL_NAME, fail);
  const chaincode = optionalName(raw.chaincode, 'chaincode', CHAINCODE_NAME, fail);
  if (!Array.isArray(raw.peers) || raw.peers.length === 0) throw fail('peers must be a non-empty array');
  const peers = raw.peers.map((peer: unknown, index): PeerEndpoint => {
    const field = `peers[${index}]`;
    if (!isPlainObject(peer)) throw fail(`${field} must be an object`);
    if (typeof peer.address !== 'string' || !/^[\w.-]+:\d{1,5}$/.test(peer.address)) {
      throw fail(`${field}.address must be host:port, got ${JSON.stringify(peer.address)}`);
    }
    const tlsRootCertFile = resolvePath(peer.tlsRootCertFile, `${field}.tlsRootCertFile`);
    const endpoint: PeerEndpoint = {
      address: peer.address,
      tlsRootCertPem: readPem(tlsRootCertFile, `${field}.tlsRootCertFile`, fail),
    };
    if (peer.hostAlias !== undefined) {
      if (typeof peer.hostAlias !== 'string' || peer.hostAlias === '')
        throw fail(`${field}.hostAlias must be a non-empty string`);
      endpoint.hostAlias = peer.hostAlias;
    }
    return endpoint;
  });
  const identities: Record<string, ProfileIdentity> = {};
  if (raw.identities !== undefined) {
    if (!isPlainObject(raw.identities))
      throw fail('identities must be an object of name → {mspId, certificateFile, privateKeyFile}');
    for (const [name, identity] of Object.entries(raw.identities)) {
      const field = `identities.${name}`;
      if (!isPlainObject(identity) || typeof identity.mspId !== 'string' || identity.mspId === '') {
        throw fail(`${field} must be {mspId, certificateFile, privateKeyFile}`);
      }
      identities[name] = {
        mspId: identity.mspId,
        certificatePath: resolvePath(identity.certificateFile, `${field}.certificateFile`),
        privateKeyPath: resolvePath(identity.privateKeyFile, `${field}.privateKeyFile`),
      };
    }
  }
  return { file, channel, chaincode, peers, identities };
}

function optionalName(
  value: unknown,
  field: string,
  fallback: string,
  fail: (detail: string) => Error,
): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[a-z][a-z0-9.-]*$/.test(value))
    throw fail(`${field} must be a lower-case Fabric name`);
  return value;
}

function readPem(file: string, field: string, fail: (detail: string) => Error): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fail(`${field}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!text.includes('-----BEGIN ')) throw fail(`${field}: ${file} is not a PEM file`);
  return text;
}

/**
 * Reads an identity's certificate and key. A private key that other users can read is refused, as ssh does: on a
 * ledger of patient records, a leaked signing key is a leaked write permission.
 */
export function readIdentityCredentials(identity: ProfileIdentity): UserCredentials {
  const mode = readOrFail(identity.privateKeyPath, () => statSync(identity.privateKeyPath).mode);
  if ((mode & 0o077) !== 0) {
    throw new ConnectionProfileError(
      identity.privateKeyPath,
      `private key is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return {
    mspId: identity.mspId,
    certificatePem: readOrFail(identity.certificatePath, () => readFileSync(identity.certificatePath)),
    privateKeyPem: readOrFail(identity.privateKeyPath, () => readFileSync(identity.privateKeyPath)),
  };
}

function readOrFail<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConnectionProfileError(file, `cannot read identity file (${reason})`, { cause: error });
  }
}
