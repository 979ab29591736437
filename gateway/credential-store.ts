/**
 * The credentials store: one JSON file (mode 0600) listing every user and client the gateway issues tokens to,
 * with their scrypt-hashed secret, role, patient id and the files of their Fabric identity. Written by
 * `fhirledger users add|seed`, read once at gateway start. Format: see gateway/README.md.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ROLES, type Role } from '../common/ehr-contract.js';
import { isFhirId, isPlainObject } from '../common/fhir-resource.js';
import type { FabricIdentityFiles } from './ledger-access.js';
import { type ScryptHash, verifySecret } from './password-hash.js';

export const CREDENTIAL_STORE_VERSION = 1;

export type PrincipalKind = 'user' | 'client';

export interface Principal {
  /** username for kind `user`, client_id for kind `client`; becomes the token's `sub`. */
  id: string;
  kind: PrincipalKind;
  role: Role;
  patientId?: string;
  secret: ScryptHash;
  fabricIdentity: FabricIdentityFiles;
}

export interface CredentialStoreFile {
  version: typeof CREDENTIAL_STORE_VERSION;
  principals: Principal[];
}

export class CredentialStoreError extends Error {
  readonly code = 'CREDENTIAL_STORE_INVALID';
  override name = 'CredentialStoreError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;

export class CredentialStore {
  private readonly byId: ReadonlyMap<string, Principal>;

  constructor(principals: readonly Principal[]) {
    this.byId = new Map(principals.map((principal) => [principal.id, principal]));
  }

  get size(): number {
    return this.byId.size;
  }

  find(id: string): Principal | undefined {
    return this.byId.get(id);
  }

  /** The principal when kind and secret match; undefined otherwise (the caller cannot tell which part was wrong). */
  async authenticate(kind: PrincipalKind, id: string, secret: string): Promise<Principal | undefined> {
    const principal = this.byId.get(id);
    if (principal?.kind !== kind) return undefined;
    return (await verifySecret(secret, principal.secret)) ? principal : undefined;
  }
}

export async function loadCredentialStore(file: string): Promise<CredentialStore> {
  return new CredentialStore((await readStoreFile(file)).principals);
}

export async function readStoreFile(file: string): Promise<CredentialStoreFile> {
  let text: string;
  try {
    const info = await stat(file);
    // Hashes are still secrets worth protecting: refuse a store others can read, as ssh does with keys.
    if ((info.mode & 0o077) !== 0) {
      throw new CredentialStoreError(
        `credentials store ${file} has mode ${(info.mode & 0o777).toString(8)}; expected 600 (chmod 600 ${file})`,
        file,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CredentialStoreError) throw error;
    throw new CredentialStoreError(`cannot read credentials store ${file}`, file, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CredentialStoreError(`credentials store ${file} is not valid JSON`, file, { cause: error });
  }
  return validateStore(parsed, file);
}

export function validateStore(value: unknown, file: string): CredentialStoreFile {
  if (
    !isPlainObject(value) ||
    value.version !== CREDENTIAL_STORE_VERSION ||
    !Array.isArray(value.principals)
  ) {
    throw new CredentialStoreError(
      `credentials store ${file} is not a version ${CREDENTIAL_STORE_VERSION} store ({"version":1,"principals":[…]})`,
      file,
    );
  }
  const seen = new Set<string>();
  const principals = value.principals.map((entry: unknown, index) => {
    const principal = validatePrincipal(entry, `${file} principals[${index}]`, file);
    if (seen.has(principal.id)) {
      throw new CredentialStoreError(`${file} principals[${index}].id "${principal.id}" appears twice`, file);
    }
    seen.add(principal.id);
    return principal;
  });
  return { version: CREDENTIAL_STORE_VERSION, principals };
}

function validatePrincipal(entry: unknown, where: string, file: string): Principal {
  const fail = (field: string, expected: string) =>
    new CredentialStoreError(`${where}.${field} is missing or invalid; expected ${expected}`, file);
  if (!isPlainObject(entry)) throw fail('', 'an object');
  const { id, kind, role, patientId, secret, fabricIdentity } = entry;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw fail('id', '1–128 of A-Z a-z 0-9 . _ @ -');
  if (kind !== 'user' && kind !== 'client') throw fail('kind', '"user" or "client"');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    throw fail('role', ROLES.join('|'));
  if (role === 'patient' && !isFhirId(patientId)) throw fail('patientId', 'a FHIR id for a patient');
  if (patientId !== undefined && !isFhirId(patientId)) throw fail('patientId', 'a FHIR id');
  if (
    !isPlainObject(secret) ||
    secret.algorithm !== 'scrypt' ||
    !isPositiveInt(secret.N) ||
    !isPositiveInt(secret.r) ||
    !isPositiveInt(secret.p) ||
    !isPositiveInt(secret.keyLength) ||
    typeof secret.salt !== 'string' ||
    typeof secret.hash !== 'string'
  ) {
    throw fail('secret', 'an scrypt hash {algorithm,N,r,p,keyLength,salt,hash}');
  }
  if (
    !isPlainObject(fabricIdentity) ||
    typeof fabricIdentity.mspId !== 'string' ||
    typeof fabricIdentity.certificatePath !== 'string' ||
    typeof fabricIdentity.privateKeyPath !== 'string'
  ) {
    throw fail('fabricIdentity', '{mspId, certificatePath, privateKeyPath}');
  }
  return {
    id,
    kind,
    role: role as Role,
    ...(typeof patientId === 'string' ? { patientId } : {}),
    secret: secret as unknown as ScryptHash,
    fabricIdentity: {
      mspId: fabricIdentity.mspId,
      certificatePath: fabricIdentity.certificatePath,
      privateKeyPath: fabricIdentity.privateKeyPath,
    },
  };
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Adds or replaces one principal and writes the store atomically with mode 0600 (created if absent). */
export async function upsertPrincipal(file: string, principal: Principal): Promise<'added' | 'replaced'> {
  const { added } = await upsertPrincipals(file, [principal]);
  return added === 1 ? 'added' : 'replaced';
}

/**
 * Adds or replaces many principals with one read and one atomic write (mode 0600, created if absent): seeding
 * thousands of users one `upsertPrincipal` at a time would rewrite the whole file each time.
 */
export async function upsertPrincipals(
  file: string,
  principals: readonly Principal[],
): Promise<{ added: number; replaced: number }> {
  principals.forEach((principal, index) => {
    validatePrincipal(principal, `new principal [${index}] "${principal.id}"`, file);
  });
  const current = await readStoreFileIfPresent(file);
  const byId = new Map(current.principals.map((entry) => [entry.id, entry]));
  let added = 0;
  for (const principal of principals) {
    if (!byId.has(principal.id)) added += 1;
    byId.set(principal.id, principal);
  }
  await writeStoreFile(file, [...byId.values()]);
  return { added, replaced: principals.length - added };
}

/**
 * Revokes a principal: removes it from the store (atomically, mode 0600). A running gateway reads the store once,
 * so it refuses the principal's tokens (401, unknown subject) from its next start. False when the id was absent.
 */
export async function removePrincipal(file: string, id: string): Promise<boolean> {
  const current = await readStoreFile(file);
  const kept = current.principals.filter((entry) => entry.id !== id);
  if (kept.length === current.principals.length) return false;
  await writeStoreFile(file, kept);
  return true;
}

async function writeStoreFile(file: string, principals: readonly Principal[]): Promise<void> {
  // The default store lives in .fhirledger/, absent on a fresh checkout; created private like the store itself.
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const body = { version: CREDENTIAL_STORE_VERSION, principals };
  await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** The store's contents, or an empty store when the file does not exist yet. */
export async function readStoreFileIfPresent(file: string): Promise<CredentialStoreFile> {
  try {
    await stat(file);
    return await readStoreFile(file);
  } catch (error) {
    if (isMissingFile(error) || isMissingFile((error as { cause?: unknown }).cause)) {
      return { version: CREDENTIAL_STORE_VERSION, principals: [] };
    }
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
