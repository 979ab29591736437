/**
 * Records and their indexes in world state. A record's value is the canonical JSON of a StoredRecord
 * `{ hash, resource }`; every write of a record also brings its two indexes up to date in the same transaction,
 * so an index entry never points at a record of another patient or code.
 *
 * Fabric does not let a transaction read its own writes, so callers that write one key twice in a transaction
 * (CreateRecords with a duplicate) must track what they wrote themselves.
 */
import { canonicalJson, withoutServerMeta } from '../common/canonical-json.js';
import type { HistoryEntry, StoredRecord } from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import { clinicalCodesOf } from './clinical-codes.js';
import { patientIdOf } from './compartment.js';
import type { EhrStub } from './context.js';
import { codeIndexKey, patientIndexKey, recordStateKey } from './keys.js';
import { collect } from './ledger-iteration.js';
import { timestampToIso } from './tx-timestamp.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A record about to be written: the object (for its indexes) and its canonical JSON, stored and answered as is. */
export interface StampedRecord {
  record: StoredRecord;
  json: string;
}

/**
 * The resource with server-set meta for the given version, serialised once: the same string is the world-state
 * value and the transaction's answer, so nothing parses it back or serialises it again. `hash` is the content hash
 * the caller already computed to judge the write (contentHash of the resource, server meta excluded).
 */
export function stampRecord(
  resource: FhirResource,
  hash: string,
  versionId: string,
  lastUpdated: string,
): StampedRecord {
  const content = withoutServerMeta(resource);
  const record: StoredRecord = {
    hash,
    resource: { ...content, meta: { ...(content.meta ?? {}), versionId, lastUpdated } },
  };
  return { record, json: canonicalJson(record) };
}

export function decodeStoredRecord(bytes: Uint8Array): StoredRecord {
  return JSON.parse(decoder.decode(bytes)) as StoredRecord;
}

export function nextVersionId(record: StoredRecord): string {
  return String(Number(record.resource.meta?.versionId ?? '0') + 1);
}

export class RecordStore {
  constructor(private readonly stub: EhrStub) {}

  async read(resourceType: string, id: string): Promise<StoredRecord | undefined> {
    return this.readKey(recordStateKey(resourceType, id));
  }

  async readKey(key: string): Promise<StoredRecord | undefined> {
    const bytes = await this.stub.getState(key);
    // Fabric answers an absent key with empty bytes.
    return bytes.length === 0 ? undefined : decodeStoredRecord(bytes);
  }

  /** Writes `next` and moves its index entries from what `previous` (the committed version) had. */
  async write(previous: StoredRecord | undefined, next: StampedRecord): Promise<void> {
    const { resourceType } = next.record.resource;
    const id = next.record.resource.id ?? '';
    const key = recordStateKey(resourceType, id);
    await this.stub.putState(key, encoder.encode(next.json));

    const oldIndexKeys = previous === undefined ? [] : this.indexKeys(previous.resource);
    const newIndexKeys = this.indexKeys(next.record.resource);
    for (const stale of oldIndexKeys.filter((k) => !newIndexKeys.includes(k))) {
      await this.stub.deleteState(stale);
    }
    const value = encoder.encode(key);
    for (const fresh of newIndexKeys.filter((k) => !oldIndexKeys.includes(k))) {
      await this.stub.putState(fresh, value);
    }
  }

  /** Oldest first. Fabric (v2.0+) returns history newest first, by block and transaction height. */
  async history(resourceType: string, id: string): Promise<HistoryEntry[]> {
    const iterator = await this.stub.getHistoryForKey(recordStateKey(resourceType, id));
    const newestFirst = await collect(iterator, (modification): HistoryEntry => {
      const entry: HistoryEntry = {
        txId: modification.txId,
        timestamp: timestampToIso(modification.timestamp),
        isDelete: modification.isDelete,
      };
      if (!modification.isDelete && modification.value.length > 0) {
        entry.resource = decodeStoredRecord(modification.value).resource;
      }
      return entry;
    });
    return newestFirst.reverse();
  }

  private indexKeys(resource: FhirResource): string[] {
    const id = resource.id ?? '';
    const keys: string[] = [];
    const patientId = patientIdOf(resource);
    if (patientId !== undefined) keys.push(patientIndexKey(this.stub, patientId, resource.resourceType, id));
    for (const code of clinicalCodesOf(resource)) {
      keys.push(codeIndexKey(this.stub, resource.resourceType, code, id));
    }
    return keys;
  }
}
