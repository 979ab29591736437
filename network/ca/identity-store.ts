/**
 * The CA's registry of identities on disk: a journal, `<home>/identities.jsonl`, one line with an identity's whole
 * state per change, appended through one open file. Saves that arrive together go out in one write, and a request
 * is answered only once its line is written, so a restarted CA finds every registration and enrolment count it
 * acknowledged; a line cut short by a crash is the last one, was never acknowledged, and is dropped on open. On open
 * the journal is compacted (one line per identity, temp file + rename). Identities an older CA kept as one file each
 * under `<home>/identities/` are read first. A file per identity cost an open, write, close and rename per
 * change, the CA's largest cost when thousands of users are enrolled.
 * Secrets are stored as salted SHA-256: this is a development CA (fabric-ca uses bcrypt, too slow for bulk enrol).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
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
  readonly #byId: Map<string, StoredIdentity>;
  readonly #journal: FileHandle;
  #pending: string[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #flushing: Promise<void> | undefined;

  private constructor(journal: FileHandle, identities: Map<string, StoredIdentity>) {
    this.#journal = journal;
    this.#byId = identities;
  }

  /** Opens (and creates) the registry in `home`, loading and compacting the journal. */
  static async open(home: string): Promise<IdentityStore> {
    await mkdir(home, { recursive: true });
    const identities = await readLegacyFiles(join(home, 'identities'));
    const journalFile = join(home, JOURNAL_FILE);
    const replayed = await replayJournal(journalFile, identities);
    if (replayed.lines !== identities.size || replayed.tornTail) {
      const temp = `${journalFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const lines = [...identities.values()].map((identity) => `${JSON.stringify(identity)}\n`);
      await writeFile(temp, lines.join(''), { mode: 0o600 });
      await rename(temp, journalFile);
    }
    return new IdentityStore(await open(journalFile, 'a', 0o600), identities);
  }

  /** Waits for the writes in flight and closes the journal. */
  async close(): Promise<void> {
    await this.#flushing;
    await this.#journal.close();
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

  /** Persists the identity's current state: resolves once its journal line is written. */
  save(identity: StoredIdentity): Promise<void> {
    const line = `${JSON.stringify(identity)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.#pending.push(line);
      this.#waiters.push({ resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Writes what is pending in one append, again until nothing is (saves made meanwhile join the next one). */
  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const text = this.#pending.join('');
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        await this.#journal.appendFile(text);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#flushing = undefined;
  }
}

const JOURNAL_FILE = 'identities.jsonl';

/** One file per identity, as CAs before the journal kept them. */
async function readLegacyFiles(dir: string): Promise<Map<string, StoredIdentity>> {
  const identities = new Map<string, StoredIdentity>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return identities;
    throw error;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const identity = JSON.parse(await readFile(join(dir, name), 'utf8')) as StoredIdentity;
    identities.set(identity.id, identity);
  }
  return identities;
}

/** Applies the journal's lines in order (the last state of an identity wins); a torn last line is dropped. */
async function replayJournal(
  file: string,
  identities: Map<string, StoredIdentity>,
): Promise<{ lines: number; tornTail: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: 0, tornTail: false };
    throw error;
  }
  const lines = text.split('\n');
  // Text ends with a newline when the last write completed, leaving '' after the final split.
  const tail = lines.pop() ?? '';
  lines.forEach((line, index) => {
    let identity: StoredIdentity;
    try {
      identity = JSON.parse(line) as StoredIdentity;
    } catch (error) {
      throw new Error(`${file}:${index + 1} is not an identity (JSON): the CA's registry is damaged`, {
        cause: error,
      });
    }
    identities.set(identity.id, identity);
  });
  return { lines: lines.length, tornTail: tail !== '' };
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret, 'utf8').digest('hex');
}
