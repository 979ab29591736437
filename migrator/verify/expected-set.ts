/**
 * The expected set — record key → content hash of every record a live migration of the input would store — found
 * by running the input through the migration itself (same sources, pipeline, dedupe, two passes, last-wins) with a
 * ledger that only remembers what it is asked to store. Nothing of a previous run's bookkeeping (checkpoint, dead
 * letter, report) is read: the audit re-derives the set from the input alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentHash } from '../../common/canonical-json.js';
import type { BatchItemResult, BatchResult, Committed, StoredRecord } from '../../common/ehr-contract.js';
import type { FhirResource } from '../../common/fhir-resource.js';
import { runMigration, type MigrationLedger } from '../core/migration.js';
import type { MigrationReport } from '../core/migration-report.js';
import type { MigrationDeps, MigrationSettings } from '../core/migration-deps.js';
import { applyLastWins, LastWinsSpool } from '../io/last-wins.js';

const NO_TIMINGS = { endorseMs: 0, submitMs: 0, commitMs: 0 };

/**
 * Remembers what a migration stores, with the outcome rules of CreateRecords (same key and hash: unchanged; same
 * key, other hash: conflict) and UpdateRecord, so that the set is the one an empty ledger would end up holding.
 */
export class ExpectedSetLedger implements MigrationLedger {
  /** key → content hash; only the hash is kept, so memory grows by a key and a hash per record. */
  private readonly records = new Map<string, string>();

  createRecordsJson(batch: readonly string[]): Promise<Committed<BatchResult>> {
    const counts = { created: 0, unchanged: 0, conflict: 0, invalid: 0 };
    const items = batch.map((json, index): BatchItemResult => {
      const resource = JSON.parse(json) as FhirResource;
      const key = `${resource.resourceType}/${resource.id ?? ''}`;
      const hash = contentHash(resource);
      const held = this.records.get(key);
      const outcome = held === undefined ? 'created' : held === hash ? 'unchanged' : 'conflict';
      if (outcome === 'created') this.records.set(key, hash);
      counts[outcome] += 1;
      return { index, key, outcome, hash };
    });
    return Promise.resolve({ value: { items, counts }, txId: '', timings: NO_TIMINGS });
  }

  /** Last-wins reads only the hash and the version; the version is not tracked, the content is not kept. */
  readRecord(resourceType: string, id: string): Promise<StoredRecord> {
    const hash = this.records.get(`${resourceType}/${id}`);
    if (hash === undefined) return Promise.reject(new Error(`${resourceType}/${id} was never stored`));
    return Promise.resolve({ hash, resource: { resourceType, id } });
  }

  updateRecord(resource: FhirResource): Promise<Committed<StoredRecord>> {
    const stored = { resource, hash: contentHash(resource) };
    this.records.set(`${resource.resourceType}/${resource.id ?? ''}`, stored.hash);
    return Promise.resolve({ value: stored, txId: '', timings: NO_TIMINGS });
  }

  /** key → content hash */
  hashes(): Map<string, string> {
    return this.records;
  }
}

export interface ExpectedSet {
  hashes: Map<string, string>;
  /** The migration's own report of the re-read (read / accepted / rejected counts). */
  report: MigrationReport;
}

/**
 * Runs the migration over `deps.source` into an ExpectedSetLedger. `deps` is everything a live run gets except
 * the ledger, the checkpoint and the last-wins spool, which this function owns.
 */
export async function expectedSet(
  deps: Omit<MigrationDeps, 'ledger' | 'checkpoint' | 'lastWinsSpool' | 'applyLastWins'>,
  settings: MigrationSettings,
): Promise<ExpectedSet> {
  const ledger = new ExpectedSetLedger();
  const spoolFolder =
    settings.onConflict === 'last-wins'
      ? mkdtempSync(path.join(os.tmpdir(), 'fhirledger-verify-'))
      : undefined;
  const spool =
    spoolFolder === undefined ? undefined : new LastWinsSpool(path.join(spoolFolder, 'last-wins.ndjson'));
  try {
    const report = await runMigration(
      { ...deps, ledger, ...(spool === undefined ? {} : { lastWinsSpool: spool, applyLastWins }) },
      settings,
    );
    return { hashes: ledger.hashes(), report };
  } finally {
    // runMigration closes the spool; only its folder is ours to remove.
    if (spoolFolder !== undefined) rmSync(spoolFolder, { recursive: true, force: true });
  }
}
