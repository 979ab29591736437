/**
 * The CA's registry of identities on disk: one JSON file per identity under `<home>/identities/`, each written
 * atomically (temp file + rename) so that a crash never leaves a half-written identity and a restarted CA finds
 * every registration and enrolment count. One file per identity keeps a write O(1) when thousands are registered.
 * Secrets are stored as salted SHA-256: this is a development CA (fabric-ca uses bcrypt, too slow for bulk enrol).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface IdentityAttribute {
  readonly name: string;
  readonly value: string;
  /** Put into enrolment certificates when no attr_reqs are sent. */
  readonly ecert: boolean;
}

export interface IssuedCertificate {
  readonly serial: string;
  readonly aki: string;
  readonly notAfter: string;
  revoked: boolean;
}

export interface StoredIdentity {
  readonly id: string;
  readonly type: string;
  readonly affiliation: string;
  readonly attributes: readonly IdentityAttribute[];
  /** -1 unlimited. */
  readonly maxEnrollments: number;
  enrollments: number;
  revoked: boolean;
  readonly secretSalt: string;
  readonly secretHash: string;
  readonly certificates: IssuedCertificate[];
}

export class IdentityStore {
  readonly #dir: string;
  readonly #byId = new Map<string, StoredIdentity>();
  /** Per-identity write chain so two writes of one identity never race on the rename. */
  readonly #writes = new Map<string, Promise<void>>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Opens (and creates) `<home>/identities`, loading every identity file. */
  static async open(home: string): Promise<IdentityStore> {
    const store = new IdentityStore(join(home, 'identities'));
    await mkdir(store.#dir, { recursive: true });
    for (const name of await readdir(store.#dir)) {
      if (!name.endsWith('.json')) continue;
      const identity = JSON.parse(await readFile(join(store.#dir, name), 'utf8')) as StoredIdentity;
      store.#byId.set(identity.id, identity);
    }
    return store;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): StoredIdentity | undefined {
    return this.#byId.get(id);
  }

  /** Adds a new identity; false when the id is taken. */
  async insert(
    fields: Omit<StoredIdentity, 'secretSalt' | 'secretHash' | 'enrollments' | 'revoked' | 'certificates'>,
    secret: string,
  ): Promise<boolean> {
    if (this.#byId.has(fields.id)) return false;
    const secretSalt = randomBytes(16).toString('hex');
    const identity: StoredIdentity = {
      ...fields,
      enrollments: 0,
      revoked: false,
      secretSalt,
      secretHash: hashSecret(secretSalt, secret),
      certificates: [],
    };
    this.#byId.set(identity.id, identity);
    await this.save(identity);
    return true;
  }

  checkSecret(identity: StoredIdentity, secret: string): boolean {
    const expected = Buffer.from(identity.secretHash, 'hex');
    const actual = Buffer.from(hashSecret(identity.secretSalt, secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  findCertificate(
    serial: string,
    aki: string,
  ): { identity: StoredIdentity; cert: IssuedCertificate } | undefined {
    for (const identity of this.#byId.values()) {
      const cert = identity.certificates.find((c) => c.serial === serial && c.aki === aki);
      if (cert !== undefined) return { identity, cert };
    }
    return undefined;
  }

  /** Persists the identity's current state atomically. */
  save(identity: StoredIdentity): Promise<void> {
    const previous = this.#writes.get(identity.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const file = join(this.#dir, `${fileNameFor(identity.id)}.json`);
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, JSON.stringify(identity), { mode: 0o600 });
      await rename(temp, file);
    });
    this.#writes.set(
      identity.id,
      next.catch(() => undefined),
    );
    return next;
  }
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret, 'utf8').digest('hex');
}

/** Ids may hold any character; file names get a safe, reversible-enough, collision-free form. */
function fileNameFor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}
