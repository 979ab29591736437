/**
 * The work of `fhirledger users seed`: for every planned user not yet in the credentials store, enrol an identity
 * (through an injected enroller: the Fabric CA in production), write its certificate and key next to the store,
 * and record every new user in the store with one atomic write. Users already in the store with their identity
 * files are kept as they are (no CA call, same certificate, same password hash): re-running with the same or
 * larger counts only adds the missing ones.
 */
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { ProgressDisplay, type ProgressOutput } from '../common/progress.js';
import { readStoreFileIfPresent, upsertPrincipals, type Principal } from './credential-store.js';
import type { ScryptHash } from './password-hash.js';
import type { SeedUser } from './seed-plan.js';

export type SeedErrorCode =
  'SEED_CA_CONFIG' | 'SEED_CA_UNAVAILABLE' | 'SEED_REGISTRAR_REFUSED' | 'SEED_USER_REFUSED';

export class SeedError extends Error {
  override name = 'SeedError';
  constructor(
    readonly code: SeedErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface EnrolledUser {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** False when the CA already had the id (an earlier run registered it) and it was only enrolled again. */
  readonly registered: boolean;
}

/**
 * Enrols seeded users. Throws SeedError: SEED_CA_UNAVAILABLE when the CA cannot be reached (the run stops),
 * SEED_REGISTRAR_REFUSED from `preflight` when the registrar cannot log in, SEED_USER_REFUSED when the CA refuses
 * one user (that user is reported, the others go on).
 */
export interface UserEnroller {
  readonly mspId: string;
  preflight(): Promise<void>;
  enroll(user: SeedUser): Promise<EnrolledUser>;
}

export interface SeedOptions {
  readonly users: readonly SeedUser[];
  readonly storeFile: string;
  /** Folder of the identity files: `<dir>/<id>/cert.pem` and `key.pem` (0600). */
  readonly identitiesDir: string;
  /** The one hash of the seed password every new user gets (see gateway/README.md: why one salt is acceptable). */
  readonly secret: ScryptHash;
  readonly concurrency: number;
  readonly progress?: ProgressOutput;
}

export interface SeedReport {
  readonly requested: number;
  /** Enrolled by this run and added (or, when the store named them without identity files, replaced). */
  readonly added: number;
  /** Of those, ids the CA already knew (registered by an earlier, interrupted run) and were only enrolled again. */
  readonly reenrolled: number;
  /** Already in the store with their identity files: left as they were. */
  readonly kept: number;
  readonly rejected: readonly { id: string; reason: string }[];
  readonly enrollSeconds: number;
  readonly storeSeconds: number;
}

export async function seedUsers(options: SeedOptions, enroller: UserEnroller): Promise<SeedReport> {
  const existing = new Map(
    (await readStoreFileIfPresent(options.storeFile)).principals.map((entry) => [entry.id, entry]),
  );
  const rejected: { id: string; reason: string }[] = [];
  const todo: SeedUser[] = [];
  let kept = 0;
  for (const user of options.users) {
    const entry = existing.get(user.id);
    if (entry === undefined) todo.push(user);
    else if (!sameAccount(entry, user)) rejected.push({ id: user.id, reason: conflictReason(entry, user) });
    else if (await hasIdentityFiles(entry)) kept += 1;
    else todo.push(user);
  }
  const enrollStarted = performance.now();
  const enrolled =
    todo.length === 0
      ? { principals: [], reenrolled: 0 }
      : await enrollAll(todo, options, enroller, rejected);
  const enrollSeconds = (performance.now() - enrollStarted) / 1000;
  const storeStarted = performance.now();
  if (enrolled.principals.length > 0) await upsertPrincipals(options.storeFile, enrolled.principals);
  const storeSeconds = (performance.now() - storeStarted) / 1000;
  // Users enrolled before the CA went away are in the store now, so a re-run starts where this one stopped.
  if (enrolled.unavailable !== undefined) throw enrolled.unavailable;
  return {
    requested: options.users.length,
    added: enrolled.principals.length,
    reenrolled: enrolled.reenrolled,
    kept,
    rejected,
    enrollSeconds,
    storeSeconds,
  };
}

interface EnrolAllResult {
  principals: Principal[];
  reenrolled: number;
  unavailable?: SeedError;
}

async function enrollAll(
  todo: readonly SeedUser[],
  options: SeedOptions,
  enroller: UserEnroller,
  rejected: { id: string; reason: string }[],
): Promise<EnrolAllResult> {
  await enroller.preflight();
  const principals: Principal[] = [];
  let reenrolled = 0;
  let unavailable: SeedError | undefined;
  const progress =
    options.progress === undefined
      ? undefined
      : new ProgressDisplay({
          label: 'users seed',
          unit: 'users',
          total: todo.length,
          output: options.progress,
        });
  const limit = pLimit(options.concurrency);
  await Promise.all(
    todo.map((user) =>
      limit(async () => {
        if (unavailable !== undefined) return;
        try {
          const identity = await enroller.enroll(user);
          principals.push(await writeIdentity(user, identity, options, enroller.mspId));
          if (!identity.registered) reenrolled += 1;
        } catch (error) {
          if (!(error instanceof SeedError)) throw error;
          if (error.code === 'SEED_CA_UNAVAILABLE') unavailable ??= error;
          else rejected.push({ id: user.id, reason: error.message });
        }
        progress?.update(principals.length + rejected.length);
      }),
    ),
  );
  progress?.finish(principals.length + rejected.length);
  return unavailable === undefined ? { principals, reenrolled } : { principals, reenrolled, unavailable };
}

async function writeIdentity(
  user: SeedUser,
  identity: EnrolledUser,
  options: SeedOptions,
  mspId: string,
): Promise<Principal> {
  const dir = path.resolve(options.identitiesDir, user.id);
  const certificatePath = path.join(dir, 'cert.pem');
  const privateKeyPath = path.join(dir, 'key.pem');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await Promise.all([
    writeFile(certificatePath, identity.certificatePem),
    writePrivateFile(privateKeyPath, identity.privateKeyPem),
  ]);
  return {
    id: user.id,
    kind: 'user',
    role: user.role,
    ...(user.patientId !== undefined ? { patientId: user.patientId } : {}),
    secret: options.secret,
    fabricIdentity: { mspId, certificatePath, privateKeyPath },
  };
}

/** Mode 0600 whether or not the file was there: the gateway refuses a key others can read. */
async function writePrivateFile(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // An earlier run's key (its store entry lost): writeFile's mode applies only to a new file, so chmod it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await writeFile(file, text);
    await chmod(file, 0o600);
  }
}

function sameAccount(entry: Principal, user: SeedUser): boolean {
  return entry.kind === 'user' && entry.role === user.role && entry.patientId === user.patientId;
}

function conflictReason(entry: Principal, user: SeedUser): string {
  const describe = (role: string, patientId: string | undefined, kind: string) =>
    `${kind} with role ${role}${patientId === undefined ? '' : ` for ${patientId}`}`;
  return (
    `the store already has ${user.id} as a ${describe(entry.role, entry.patientId, entry.kind)}; seed would make ` +
    `a ${describe(user.role, user.patientId, 'user')} (remove it with another tool, or use another store)`
  );
}

async function hasIdentityFiles(entry: Principal): Promise<boolean> {
  try {
    await Promise.all([
      access(entry.fabricIdentity.certificatePath),
      access(entry.fabricIdentity.privateKeyPath),
    ]);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
