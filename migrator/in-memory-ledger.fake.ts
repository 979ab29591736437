/**
 * TEST ONLY: an in-memory EhrLedger with the CreateRecords semantics of the wire contract (created / unchanged /
 * conflict per item, idempotent). Nothing a user runs imports this file.
 */
import { contentHash } from '../common/canonical-json.js';
import type { BatchItemResult, BatchResult, Committed, StoredRecord } from '../common/ehr-contract.js';
import { recordKey, type FhirResource } from '../common/fhir-resource.js';
import type { MigrationLedger } from './core/migration.js';

export class InMemoryLedger implements MigrationLedger {
  readonly records = new Map<string, StoredRecord>();
  /** Every CreateRecords call that reached the ledger, in order. */
  readonly calls: string[][] = [];
  private height = 1;
  /** Throw on every call after this many successful batches (simulates a crash mid-run). */
  failAfterBatches: number | undefined;
  failure: () => Error = () => new Error('simulated crash');

  /** As the Fabric client does: the canonical JSON of each record, joined into the CreateRecords argument. */
  createRecordsJson(batch: readonly string[]): Promise<Committed<BatchResult>> {
    return this.createRecords(batch.map((json) => JSON.parse(json) as FhirResource));
  }

  createRecords(batch: readonly FhirResource[]): Promise<Committed<BatchResult>> {
    if (this.failAfterBatches !== undefined && this.calls.length >= this.failAfterBatches) {
      return Promise.reject(this.failure());
    }
    this.calls.push(batch.map((resource) => recordKey(resource.resourceType, resource.id ?? '')));
    const items: BatchItemResult[] = batch.map((resource, index) => {
      const key = recordKey(resource.resourceType, resource.id ?? '');
      const hash = contentHash(resource);
      const existing = this.records.get(key);
      if (existing === undefined) {
        this.records.set(key, {
          resource: { ...resource, meta: { ...resource.meta, versionId: '1' } },
          hash,
        });
        return { index, key, outcome: 'created', versionId: '1', hash };
      }
      if (existing.hash === hash) return { index, key, outcome: 'unchanged', versionId: '1', hash };
      return { index, key, outcome: 'conflict', code: 'CC_ERR_ALREADY_EXISTS', reason: 'different content' };
    });
    this.height += 1;
    const counts = { created: 0, unchanged: 0, conflict: 0, invalid: 0 };
    for (const item of items) counts[item.outcome] += 1;
    return Promise.resolve({
      value: { items, counts },
      txId: `tx${this.height}`,
      timings: { endorseMs: 0, submitMs: 0, commitMs: 0 },
    });
  }

  readRecord(resourceType: string, id: string): Promise<StoredRecord> {
    const stored = this.records.get(recordKey(resourceType, id));
    return stored === undefined
      ? Promise.reject(new Error(`CC_ERR_NOT_FOUND: ${resourceType}/${id}`))
      : Promise.resolve(stored);
  }

  updateRecord(resource: FhirResource, expectedVersion: string): Promise<Committed<StoredRecord>> {
    const key = recordKey(resource.resourceType, resource.id ?? '');
    const versionId = String(Number(expectedVersion) + 1);
    const stored = { resource: { ...resource, meta: { versionId } }, hash: contentHash(resource) };
    this.records.set(key, stored);
    this.height += 1;
    return Promise.resolve({
      value: stored,
      txId: `tx${this.height}`,
      timings: { endorseMs: 0, submitMs: 0, commitMs: 0 },
    });
  }

  blockHeight(): Promise<number> {
    return Promise.resolve(this.height);
  }
}
