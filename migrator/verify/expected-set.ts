/**
 * The expected set — record key → content hash of every record a live migration of the input would store — found
 * by running the input through the migration itself (same sources, pipeline, dedupe, two passes) with a
 * ledger that only remembers what it is asked to store. Nothing of a previous run's bookkeeping (checkpoint, dead
 * letter, report) is read: the audit re-derives the set from the input alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchResult, Committed } from '../../common/ehr-contract.js';
import { judgeCreateRecords } from '../../chaincode/create-records-rule.js';
import { recordStateKey } from '../../chaincode/keys.js';
import { runMigration, type MigrationLedger } from '../core/migration.js';
import type { MigrationReport } from '../core/migration-report.js';
import type { MigrationDeps, MigrationSettings } from '../core/migration-deps.js';
import { DeferredFileSpool } from '../io/deferred-spool.js';

const NO_TIMINGS = { endorseMs: 0, submitMs: 0, commitMs: 0 };

/**
 * Remembers what a migration stores, answering CreateRecords with the contract's own rule (chaincode/
 * create-records-rule.ts), so that the set is the one an empty ledger would end up holding.
 */
export class ExpectedSetLedger implements MigrationLedger {
  /** key → content hash; only the hash is kept, so memory grows by a key and a hash per record. */
  private readonly records = new Map<string, string>();

  createRecordsJson(batch: readonly string[]): Promise<Committed<BatchResult>> {
    const { result, creations } = judgeCreateRecords(
      batch.map((json): unknown => JSON.parse(json)),
      (key) => {
        const hash = this.records.get(key);
        // The version is not tracked: the rule only reports it back, and every record here is at version 1.
        return hash === undefined ? undefined : { hash, versionId: '1' };
      },
    );
    for (const { resource, hash } of creations)
      this.records.set(recordStateKey(resource.resourceType, resource.id), hash);
    return Promise.resolve({ value: result, txId: '', timings: NO_TIMINGS });
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
 * the ledger, the checkpoint and the spool of set-aside records (a temporary file, as a live run's), which this
 * function owns.
 */
export async function expectedSet(
  deps: Omit<MigrationDeps, 'ledger' | 'checkpoint' | 'deferredSpool'>,
  settings: MigrationSettings,
): Promise<ExpectedSet> {
  const ledger = new ExpectedSetLedger();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-verify-'));
  try {
    const deferredSpool = new DeferredFileSpool(path.join(folder, 'deferred.ndjson'));
    const report = await runMigration({ ...deps, ledger, deferredSpool }, settings);
    return { hashes: ledger.hashes(), report };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
