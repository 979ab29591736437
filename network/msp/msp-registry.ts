/**
 * The channel's MSPs as the peer and orderer see them: turns `SerializedIdentity` bytes into a ValidatedIdentity
 * or an MspError, with the checks of Fabric's bccspmsp (msp/mspimplvalidate.go, msp/identities.go,
 * msp/mspmgrimpl.go): known MSP id, PEM X.509 certificate, not a CA certificate, chain to one of the MSP's root
 * CAs (through its intermediates), within its validity dates, and, with NodeOUs on, exactly one of the
 * client/peer/admin/orderer OUs.
 *
 * Validation results are cached by the identity bytes: a peer sees the same few creators thousands of times per
 * second and Fabric caches them too (msp/cache). A cached identity is still re-checked against its notAfter.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { msp as mspProtos } from '@hyperledger/fabric-protos';
import { verifyLowS } from './ecdsa.js';
import { MspError, type IdentityValidator, type NodeOuRole, type ValidatedIdentity } from './types.js';

export interface MspDefinition {
  readonly mspId: string;
  readonly rootCertsPem: readonly string[];
  readonly intermediateCertsPem?: readonly string[];
  /** config.yaml `NodeOUs: Enable: true`. Without it every identity gets role 'client' unless its OU says more. */
  readonly nodeOUs: boolean;
}

export interface MspRegistryOptions {
  /** Clock for validity checks (tests). */
  now?: () => Date;
  /** Most identities kept in the cache; the oldest is dropped first. Default 10 000. */
  cacheSize?: number;
}

const NODE_OU_ROLES: readonly NodeOuRole[] = ['client', 'peer', 'admin', 'orderer'];

interface LoadedMsp {
  readonly definition: MspDefinition;
  readonly roots: readonly X509Certificate[];
  readonly intermediates: readonly X509Certificate[];
}

interface CachedIdentity {
  readonly identity: ValidatedIdentity;
  readonly notAfterMs: number;
}

export class MspRegistry implements IdentityValidator {
  readonly #msps = new Map<string, LoadedMsp>();
  readonly #cache = new Map<string, CachedIdentity>();
  readonly #now: () => Date;
  readonly #cacheSize: number;

  constructor(definitions: readonly MspDefinition[], options: MspRegistryOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#cacheSize = options.cacheSize ?? 10_000;
    for (const definition of definitions) {
      if (this.#msps.has(definition.mspId)) throw new Error(`MSP ${definition.mspId} is defined twice`);
      if (definition.rootCertsPem.length === 0) {
        throw new Error(
          `MSP ${definition.mspId} has no root CA certificate (expected at least one in cacerts)`,
        );
      }
      this.#msps.set(definition.mspId, {
        definition,
        roots: definition.rootCertsPem.map((pem) => new X509Certificate(pem)),
        intermediates: (definition.intermediateCertsPem ?? []).map((pem) => new X509Certificate(pem)),
      });
    }
  }

  get mspIds(): string[] {
    return [...this.#msps.keys()];
  }

  validate(serializedIdentity: Uint8Array): ValidatedIdentity {
    const key = Buffer.from(
      serializedIdentity.buffer,
      serializedIdentity.byteOffset,
      serializedIdentity.length,
    ).toString('base64');
    const cached = this.#cache.get(key);
    const nowMs = this.#now().getTime();
    if (cached !== undefined) {
      if (nowMs <= cached.notAfterMs) return cached.identity;
      this.#cache.delete(key);
    }
    let mspId: string;
    let idBytes: Uint8Array;
    try {
      const decoded = mspProtos.SerializedIdentity.deserializeBinary(serializedIdentity);
      mspId = decoded.getMspid();
      idBytes = decoded.getIdBytes_asU8();
    } catch (err) {
      throw new MspError('MALFORMED', `could not deserialize a SerializedIdentity: ${String(err)}`);
    }
    const validated = this.validatePem(mspId, Buffer.from(idBytes).toString('utf8'));
    this.#remember(key, validated);
    return validated.identity;
  }

  /** Validates a PEM certificate as a member of `mspId` (no cache). */
  validateCertificate(mspId: string, certificatePem: string): ValidatedIdentity {
    return this.validatePem(mspId, certificatePem).identity;
  }

  private validatePem(mspId: string, pem: string): CachedIdentity {
    const msp = this.#msps.get(mspId);
    if (msp === undefined) throw new MspError('UNKNOWN_MSP', `MSP ${mspId} is unknown`);
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new MspError('MALFORMED', `could not decode pem bytes [${abbreviate(pem)}]`);
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      throw new MspError('MALFORMED', `failed to parse x509 cert: ${String(err)}`);
    }
    if (cert.ca) {
      throw new MspError(
        'UNTRUSTED_CHAIN',
        'could not obtain certification chain: An X509 certificate with Basic Constraint: Certificate Authority ' +
          'equals true cannot be used as an identity',
      );
    }
    const now = this.#now();
    // Like Fabric (getValidityOptsForCert), the chain is judged at the leaf's notBefore + 1 s; only the leaf's own
    // dates are judged against the clock below.
    checkChain(cert, msp, new Date(new Date(cert.validFrom).getTime() + 1000));
    const notAfter = new Date(cert.validTo);
    const notBefore = new Date(cert.validFrom);
    if (now.getTime() > notAfter.getTime() || now.getTime() < notBefore.getTime()) {
      throw new MspError(
        'EXPIRED',
        `could not validate identity against certification chain: x509: certificate has expired or is not yet ` +
          `valid: current time ${now.toISOString()} is outside ${notBefore.toISOString()}..${notAfter.toISOString()}`,
      );
    }
    const role = nodeOuRole(cert, msp.definition);
    const publicKey = cert.publicKey;
    return {
      identity: new CertificateIdentity(mspId, role, pem, publicKey),
      notAfterMs: notAfter.getTime(),
    };
  }

  #remember(key: string, entry: CachedIdentity): void {
    if (this.#cache.size >= this.#cacheSize) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    this.#cache.set(key, entry);
  }
}

class CertificateIdentity implements ValidatedIdentity {
  constructor(
    readonly mspId: string,
    readonly role: NodeOuRole,
    readonly certificatePem: string,
    private readonly publicKey: KeyObject,
  ) {}

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    return verifyLowS(this.publicKey, message, signature);
  }
}

/** Walks issuer links from the leaf up to one of the MSP's roots; every link's signature must verify. */
function checkChain(leaf: X509Certificate, msp: LoadedMsp, at: Date): void {
  const untrusted = (detail: string): MspError =>
    new MspError(
      'UNTRUSTED_CHAIN',
      `could not obtain certification chain: the supplied identity is not valid: x509: ${detail}`,
    );
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    const root = msp.roots.find((r) => current.checkIssued(r) && current.verify(r.publicKey));
    if (root !== undefined) {
      if (!withinValidity(root, at)) throw untrusted('a root CA certificate of the chain has expired');
      return;
    }
    const intermediate = msp.intermediates.find((i) => current.checkIssued(i) && current.verify(i.publicKey));
    if (intermediate === undefined) throw untrusted('certificate signed by unknown authority');
    if (!withinValidity(intermediate, at)) throw untrusted('an intermediate CA certificate has expired');
    current = intermediate;
  }
  throw untrusted('certification chain too long');
}

function withinValidity(cert: X509Certificate, now: Date): boolean {
  const t = now.getTime();
  return t >= new Date(cert.validFrom).getTime() && t <= new Date(cert.validTo).getTime();
}

/** The OU values of a certificate's subject, in order (Node prints one attribute per line, `+` inside an RDN). */
export function subjectOrganizationalUnits(cert: X509Certificate): string[] {
  const ous: string[] = [];
  for (const line of cert.subject.split('\n')) {
    for (const part of line.split(/\+(?=[A-Za-z0-9.]+=)/)) {
      if (part.startsWith('OU=')) ous.push(part.slice(3));
    }
  }
  return ous;
}

function nodeOuRole(cert: X509Certificate, definition: MspDefinition): NodeOuRole {
  const ous = subjectOrganizationalUnits(cert);
  const roles = ous.filter((ou): ou is NodeOuRole => (NODE_OU_ROLES as readonly string[]).includes(ou));
  if (!definition.nodeOUs) return roles.length === 1 && roles[0] !== undefined ? roles[0] : 'client';
  const role = roles[0];
  if (roles.length !== 1 || role === undefined) {
    throw new MspError(
      'BAD_NODE_OU',
      `could not validate identity's OUs: the identity must be a client, a peer, an orderer or an admin identity ` +
        `to be valid, not a combination of them. OUs: [${ous.join(' ')}], MSP: [${definition.mspId}]`,
    );
  }
  return role;
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Reads an MSP folder (cacerts/, intermediatecerts/, config.yaml) into a definition. config.yaml may be YAML as
 * cryptogen writes it or JSON (valid YAML); only NodeOUs.Enable is read.
 */
export async function loadMspDefinition(mspId: string, mspDir: string): Promise<MspDefinition> {
  const rootCertsPem = await readPemFolder(join(mspDir, 'cacerts'));
  const intermediateCertsPem = await readPemFolder(join(mspDir, 'intermediatecerts'));
  let nodeOUs = false;
  try {
    const config = await readFile(join(mspDir, 'config.yaml'), 'utf8');
    nodeOUs = /NodeOUs"?\s*:[\s{]*"?Enable"?\s*:\s*true/i.test(config);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (rootCertsPem.length === 0) throw new Error(`no root CA certificate in ${join(mspDir, 'cacerts')}`);
  return { mspId, rootCertsPem, intermediateCertsPem, nodeOUs };
}

async function readPemFolder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
}
