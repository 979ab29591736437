/**
 * TEST ONLY: an in-memory EhrLedger answering CreateRecords with the contract's own rule
 * (chaincode/create-records-rule.ts), so its created / unchanged / conflict / invalid answers cannot drift from the
 * chaincode's. Nothing a user runs imports this file.
 */
import { judgeCreateRecords } from '../chaincode/create-records-rule.js';
import { recordStateKey } from '../chaincode/keys.js';
import type { BatchResult, Committed, StoredRecord } from '../common/ehr-contract.js';
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
    const { result, creations } = judgeCreateRecords(batch, (key) => {
      const stored = this.records.get(key);
      return stored === undefined
        ? undefined
        : { hash: stored.hash, versionId: stored.resource.meta?.versionId ?? '1' };
    });
    for (const { resource, hash } of creations) {
      this.records.set(recordStateKey(resource.resourceType, resource.id), {
        resource: { ...resource, meta: { ...resource.meta, versionId: '1' } },
        hash,
      });
    }
    this.height += 1;
    return Promise.resolve({
      value: result,
      txId: `tx${this.height}`,
      timings: { endorseMs: 0, submitMs: 0, commitMs: 0 },
    });
  }

  blockHeight(): Promise<number> {
    return Promise.resolve(this.height);
  }
}
