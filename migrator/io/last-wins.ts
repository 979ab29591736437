/**
 * `--on-conflict last-wins`: a later record with the same type/id but different content replaces the earlier one as
 * a new version. Replacements wait in a spool file until every batch of the run is committed (so the earlier
 * version is surely there), then each key's last content is written with ReadRecord → UpdateRecord. Re-applying is
 * harmless: a record whose content already matches is counted unchanged.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { contentHash } from '../../common/canonical-json.js';
import type { FhirResource } from '../../common/fhir-resource.js';
import type { MigrationLedger } from '../core/migration.js';
import type { LedgerCounts } from '../core/migration-report.js';

export class LastWinsSpool {
  private readonly fd: number;

  constructor(readonly file: string) {
    // Rewritten on every run: a resumed run replays the records before its watermark and spools them again.
    this.fd = openSync(file, 'w');
  }

  /** Spools a record given as its canonical JSON (the pipeline's bytes, not parsed again here). */
  appendJson(key: string, json: string): void {
    writeSync(this.fd, `{"key":${JSON.stringify(key)},"resource":${json}}\n`);
  }

  /** The last spooled content of each key, in first-spooled order. */
  latest(): FhirResource[] {
    const byKey = new Map<string, FhirResource>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line === '') continue;
      const { key, resource } = JSON.parse(line) as { key: string; resource: FhirResource };
      byKey.set(key, resource);
    }
    return [...byKey.values()];
  }

  close(): void {
    closeSync(this.fd);
  }
}

export async function applyLastWins(
  spool: LastWinsSpool,
  ledger: MigrationLedger,
  counts: LedgerCounts,
): Promise<number> {
  let updated = 0;
  for (const resource of spool.latest()) {
    const stored = await ledger.readRecord(resource.resourceType, resource.id as string);
    if (stored.hash === contentHash(resource)) {
      counts.unchanged += 1;
      continue;
    }
    await ledger.updateRecord(resource, stored.resource.meta?.versionId ?? '');
    counts.updated += 1;
    updated += 1;
  }
  return updated;
}
