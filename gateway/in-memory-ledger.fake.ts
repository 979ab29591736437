/**
 * TEST ONLY: an in-memory EhrLedger that keeps the chaincode's contract — versions, version conflicts,
 * ALREADY_EXISTS, history, compartment listing with bookmarks, de-identified research results — and its access
 * matrix (provider all; patient own compartment read + own address; regulator ResearchQuery; migrator
 * CreateRecords), failing with `{ code: 'CC_ERR_*' }` errors as the Fabric ledger client does. Nothing a user runs
 * imports this file.
 */
import {
  ALLOWED_ROLES,
  ChaincodeErrorCode,
  type BatchItemResult,
  type BatchResult,
  type Committed,
  type EhrLedger,
  type HistoryEntry,
  type Page,
  type StoredRecord,
  type TxName,
} from '../common/ehr-contract.js';
import { contentHash } from '../common/canonical-json.js';
import { isFhirId, isPlainObject, recordKey, type FhirResource } from '../common/fhir-resource.js';
import type { LedgerUser } from './ledger-access.js';

export class FakeLedgerError extends Error {
  override name = 'LedgerError';
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const PATIENT_REFERENCE = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/;

function patientIdOf(resource: FhirResource): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id;
  for (const element of [resource.subject, resource.patient]) {
    if (isPlainObject(element) && typeof element.reference === 'string') {
      const match = PATIENT_REFERENCE.exec(element.reference);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

interface Versioned {
  current: StoredRecord;
  history: HistoryEntry[];
}

/** A scripted failure for the next calls of one transaction (or any). */
interface Injected {
  tx: TxName | '*';
  code: string;
  remaining: number;
}

export class InMemoryEhrNetwork {
  readonly records = new Map<string, Versioned>();
  readonly calls: { tx: TxName; subject: string }[] = [];
  private readonly injected: Injected[] = [];
  private txCounter = 0;
  /** Added to every call, to exercise deadlines and back-pressure. */
  delayMs = 0;
  timings = { endorseMs: 12.5, submitMs: 3.25, commitMs: 850 };

  /** The next `times` calls of `tx` fail with `code` (e.g. MVCC_READ_CONFLICT, UNAVAILABLE). */
  failNext(tx: TxName | '*', code: string, times = 1): void {
    this.injected.push({ tx, code, remaining: times });
  }

  forUser(user: LedgerUser): EhrLedger {
    return new FakeUserLedger(this, user);
  }

  /** @internal used by FakeUserLedger */
  async enter(tx: TxName, user: LedgerUser): Promise<void> {
    this.calls.push({ tx, subject: user.subject });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.injected.find((item) => (item.tx === '*' || item.tx === tx) && item.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      throw new FakeLedgerError(failure.code, `injected failure of ${tx}`);
    }
    if (!ALLOWED_ROLES[tx].includes(user.role)) {
      throw new FakeLedgerError(ChaincodeErrorCode.FORBIDDEN, `${tx} is not allowed for role ${user.role}`);
    }
    if (user.role === 'patient' && (user.patientId === undefined || user.patientId === '')) {
      throw new FakeLedgerError(ChaincodeErrorCode.FORBIDDEN, `${tx}: patient certificate without patientId`);
    }
  }

  /** @internal */
  nextTx(): { txId: string; timestamp: string } {
    this.txCounter += 1;
    return {
      txId: `tx${String(this.txCounter).padStart(6, '0')}`,
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, this.txCounter)).toISOString(),
    };
  }

  /** @internal */
  committed<T>(value: T, txId: string): Committed<T> {
    return { value, txId, timings: { ...this.timings } };
  }

  /** @internal the chaincode's resource check, reduced to what tests need. */
  validate(resource: FhirResource): string | undefined {
    if (typeof resource.resourceType !== 'string' || !/^[A-Z][A-Za-z]+$/.test(resource.resourceType)) {
      return 'resourceType is missing';
    }
    if (!isFhirId(resource.id)) return 'id is not a FHIR id';
    const { birthDate } = resource;
    if (
      birthDate !== undefined &&
      (typeof birthDate !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(birthDate))
    ) {
      return 'birthDate is not a FHIR date';
    }
    return undefined;
  }

  /** @internal */
  store(resource: FhirResource, version: number, tx: { txId: string; timestamp: string }): StoredRecord {
    const stored: FhirResource = {
      ...resource,
      meta: { ...(resource.meta ?? {}), versionId: String(version), lastUpdated: tx.timestamp },
    };
    const record: StoredRecord = { resource: stored, hash: contentHash(resource) };
    const key = recordKey(resource.resourceType, resource.id ?? '');
    const existing = this.records.get(key);
    const entry: HistoryEntry = { txId: tx.txId, timestamp: tx.timestamp, isDelete: false, resource: stored };
    if (existing) {
      existing.current = record;
      existing.history.push(entry);
    } else this.records.set(key, { current: record, history: [entry] });
    return record;
  }
}

function forbidden(what: string): FakeLedgerError {
  return new FakeLedgerError(
    ChaincodeErrorCode.FORBIDDEN,
    `${what} is not in the caller's patient compartment`,
  );
}

function notFound(key: string): FakeLedgerError {
  return new FakeLedgerError(ChaincodeErrorCode.NOT_FOUND, `${key} does not exist`);
}

class FakeUserLedger implements EhrLedger {
  constructor(
    private readonly net: InMemoryEhrNetwork,
    private readonly user: LedgerUser,
  ) {}

  private inCompartment(resource: FhirResource, what: string): void {
    if (this.user.role === 'patient' && patientIdOf(resource) !== this.user.patientId) throw forbidden(what);
  }

  async createRecords(batch: readonly FhirResource[]): Promise<Committed<BatchResult>> {
    await this.net.enter('CreateRecords', this.user);
    if (batch.length > 1000) throw new FakeLedgerError(ChaincodeErrorCode.BATCH_TOO_LARGE, 'too many');
    const tx = this.net.nextTx();
    const counts = { created: 0, unchanged: 0, conflict: 0, invalid: 0 };
    const items = batch.map((resource, index): BatchItemResult => {
      const invalid = this.net.validate(resource);
      if (invalid !== undefined) {
        counts.invalid += 1;
        return { index, outcome: 'invalid', code: ChaincodeErrorCode.INVALID_RESOURCE, reason: invalid };
      }
      const key = recordKey(resource.resourceType, resource.id ?? '');
      const existing = this.net.records.get(key);
      if (existing) {
        const same = existing.current.hash === contentHash(resource);
        counts[same ? 'unchanged' : 'conflict'] += 1;
        return same
          ? {
              index,
              key,
              outcome: 'unchanged',
              versionId: existing.current.resource.meta?.versionId ?? '1',
              hash: existing.current.hash,
            }
          : {
              index,
              key,
              outcome: 'conflict',
              code: ChaincodeErrorCode.ALREADY_EXISTS,
              reason: 'different content',
            };
      }
      const stored = this.net.store(resource, 1, tx);
      counts.created += 1;
      return { index, key, outcome: 'created', versionId: '1', hash: stored.hash };
    });
    return this.net.committed({ items, counts }, tx.txId);
  }

  async createRecord(resource: FhirResource): Promise<Committed<StoredRecord>> {
    await this.net.enter('CreateRecord', this.user);
    const invalid = this.net.validate(resource);
    if (invalid !== undefined) throw new FakeLedgerError(ChaincodeErrorCode.INVALID_RESOURCE, invalid);
    const key = recordKey(resource.resourceType, resource.id ?? '');
    if (this.net.records.has(key))
      throw new FakeLedgerError(ChaincodeErrorCode.ALREADY_EXISTS, `${key} exists`);
    const tx = this.net.nextTx();
    return this.net.committed(this.net.store(resource, 1, tx), tx.txId);
  }

  async readRecord(resourceType: string, id: string): Promise<StoredRecord> {
    await this.net.enter('ReadRecord', this.user);
    const key = recordKey(resourceType, id);
    const found = this.net.records.get(key);
    if (!found) {
      if (this.user.role === 'patient' && !(resourceType === 'Patient' && id === this.user.patientId))
        throw forbidden(key);
      throw notFound(key);
    }
    this.inCompartment(found.current.resource, key);
    return found.current;
  }

  async updateRecord(resource: FhirResource, expectedVersion: string): Promise<Committed<StoredRecord>> {
    await this.net.enter('UpdateRecord', this.user);
    const invalid = this.net.validate(resource);
    if (invalid !== undefined) throw new FakeLedgerError(ChaincodeErrorCode.INVALID_RESOURCE, invalid);
    const key = recordKey(resource.resourceType, resource.id ?? '');
    const found = this.net.records.get(key);
    if (!found) throw notFound(key);
    const current = found.current.resource.meta?.versionId ?? '1';
    if (current !== expectedVersion) {
      throw new FakeLedgerError(ChaincodeErrorCode.VERSION_CONFLICT, `${key} is at version ${current}`);
    }
    const tx = this.net.nextTx();
    return this.net.committed(this.net.store(resource, Number(current) + 1, tx), tx.txId);
  }

  async getRecordHistory(resourceType: string, id: string): Promise<HistoryEntry[]> {
    await this.net.enter('GetRecordHistory', this.user);
    const key = recordKey(resourceType, id);
    const found = this.net.records.get(key);
    if (!found) throw notFound(key);
    this.inCompartment(found.current.resource, key);
    return [...found.history];
  }

  async listPatientRecords(
    patientId: string,
    resourceType: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<StoredRecord>> {
    await this.net.enter('ListPatientRecords', this.user);
    if (this.user.role === 'patient' && patientId !== this.user.patientId)
      throw forbidden(`Patient/${patientId}`);
    const all = [...this.net.records.entries()]
      .filter(([, entry]) => patientIdOf(entry.current.resource) === patientId)
      .filter(
        ([, entry]) => resourceType === undefined || entry.current.resource.resourceType === resourceType,
      )
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const start = bookmark === '' ? 0 : all.findIndex(([key]) => key > bookmark);
    const slice = start < 0 ? [] : all.slice(start, start + pageSize);
    const last = slice[slice.length - 1];
    const more = start >= 0 && start + pageSize < all.length;
    return { items: slice.map(([, entry]) => entry.current), bookmark: more && last ? last[0] : '' };
  }

  async updatePatientAddress(patientId: string, address: unknown[]): Promise<Committed<StoredRecord>> {
    await this.net.enter('UpdatePatientAddress', this.user);
    if (this.user.role === 'patient' && patientId !== this.user.patientId)
      throw forbidden(`Patient/${patientId}`);
    const key = recordKey('Patient', patientId);
    const found = this.net.records.get(key);
    if (!found) throw notFound(key);
    const current = found.current.resource;
    const tx = this.net.nextTx();
    const next = Number(current.meta?.versionId ?? '1') + 1;
    return this.net.committed(this.net.store({ ...current, address }, next, tx), tx.txId);
  }

  async researchQuery(
    resourceType: string,
    code: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<FhirResource>> {
    await this.net.enter('ResearchQuery', this.user);
    const offset = bookmark === '' ? 0 : Number(bookmark);
    const matching = [...this.net.records.values()]
      .map((entry) => entry.current.resource)
      .filter((resource) => resource.resourceType === resourceType)
      .filter(
        (resource) => code === undefined || JSON.stringify(resource.code ?? null).includes(`"${code}"`),
      );
    const items = matching
      .slice(offset, offset + pageSize)
      .map(({ resourceType: type, code: coded, status }) => ({
        resourceType: type,
        ...(coded !== undefined ? { code: coded } : {}),
        ...(status !== undefined ? { status } : {}),
      }));
    return { items, bookmark: offset + pageSize < matching.length ? String(offset + pageSize) : '' };
  }
}
