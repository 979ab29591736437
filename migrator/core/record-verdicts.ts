/**
 * What becomes of each processed record before any ledger is involved: rejected (dead letter), an exact duplicate
 * (fix log), a conflicting duplicate (dead letter; the first version stays) or accepted — counted for the report
 * either way. Kept apart from migration.ts so the orchestration there only decides where accepted records go
 * (this batch, the set-aside spool, or nowhere when replaying a resume).
 */
import { FixCode, RejectCode } from '../../common/migration-codes.js';
import type { OrdinalLog } from '../io/ordinal-log.js';
import type { BatchItem } from './batch-submitter.js';
import type { ChunkEntry } from './chunk-dispatcher.js';
import { conflictIssue, rejectEntry } from './dead-letter-entries.js';
import { DedupeIndex } from './dedupe-index.js';
import type { Fix, Issue } from './issues.js';
import type { MigrationCounters } from './migration-report.js';
import type { RecordLocation } from './record-location.js';
import type { ProcessedRecord } from './record-processor.js';

export interface AcceptedRecord {
  resourceType: string;
  item: BatchItem;
}

export class RecordVerdicts {
  private readonly dedupe = new DedupeIndex();

  constructor(
    private readonly counters: MigrationCounters,
    private readonly deadLetter: OrdinalLog,
    private readonly fixLog: OrdinalLog,
  ) {}

  /** Counts and logs the record; returns it ready for a batch when it is accepted, else undefined. */
  judge(record: ChunkEntry, result: ProcessedRecord): AcceptedRecord | undefined {
    const { ordinal, text } = record;
    this.counters.read += 1;
    if (result.kind === 'rejected') {
      this.counters.countFixes(result.fixes);
      this.reject(
        ordinal,
        record.location,
        text,
        result.resourceType,
        result.reason,
        result.issues,
        record.bytes !== undefined,
      );
      return undefined;
    }
    const verdict = this.dedupe.check(result.resourceType, result.id, result.hash);
    if (verdict === 'duplicate') {
      const fixes: Fix[] = [...result.fixes, { code: FixCode.C7_EXACT_DUPLICATE, path: result.resourceType }];
      this.counters.countFixes(fixes);
      this.counters.countDuplicate(result.resourceType);
      this.logFixes(ordinal, record.location, result.key, fixes);
      return undefined;
    }
    if (verdict === 'conflict') {
      // The first version stays; the later one goes to the dead letter (last-wins is refused, see migrate-config.ts).
      this.counters.countFixes(result.fixes);
      this.reject(ordinal, record.location, text, result.resourceType, RejectCode.R5_CONFLICTING_DUPLICATE, [
        conflictIssue(result.key, record.location, result.resourceType),
      ]);
      return undefined;
    }
    this.counters.countFixes(result.fixes);
    this.counters.countAccepted(result.resourceType);
    if (result.assignedId) this.counters.assignedIds += 1;
    this.logFixes(ordinal, record.location, result.key, result.fixes);
    return {
      resourceType: result.resourceType,
      item: { json: result.json, key: result.key, ordinal, location: record.location, text },
    };
  }

  private reject(
    ordinal: number,
    location: RecordLocation,
    text: string,
    resourceType: string | undefined,
    reason: RejectCode,
    issues: Issue[],
    /** The source kept only the head of this (over-long) record. */
    cutBySource = false,
  ): void {
    this.counters.countRejected(resourceType, reason);
    this.deadLetter.append(ordinal, rejectEntry(location, text, reason, issues, cutBySource));
  }

  private logFixes(ordinal: number, location: RecordLocation, key: string, fixes: readonly Fix[]): void {
    if (fixes.length > 0) this.fixLog.append(ordinal, { ...location, key, fixes });
  }
}
