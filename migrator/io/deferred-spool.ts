/**
 * The file where a live run sets aside the records it submits after the referenced types (core/deferred-records.ts):
 * one line per record, `{"key","location","text"}` TAB canonical JSON. The canonical JSON is stored as the pipeline
 * wrote it and sent as read back, never parsed again; the text (the record as read) is only for the dead letter,
 * should the ledger refuse the record. JSON text holds no raw tab or newline, so the first tab ends the header.
 *
 * Written through an OrdinalLog, like the dead letter: every checkpoint records its fsynced size and highest
 * ordinal, so a resume cuts it back to that size and does not set aside again what it holds.
 */
import { createReadStream, unlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BatchItem } from '../core/batch-submitter.js';
import type { DeferredSpool, SpoolPosition } from '../core/deferred-records.js';
import type { RecordLocation } from '../core/record-location.js';
import { OrdinalLog } from './ordinal-log.js';

export class DeferredFileSpool implements DeferredSpool {
  private readonly log: OrdinalLog;
  private records: number;
  /** Set on close: what `position()` answers from then on (the final checkpoint is written after the close). */
  private closedAt: SpoolPosition | undefined;

  /** `resumeFrom`: the position a checkpoint recorded, cut back to; otherwise a new, empty spool. */
  constructor(
    readonly file: string,
    resumeFrom?: SpoolPosition,
  ) {
    this.log = new OrdinalLog(file, resumeFrom, 'deferred-record spool');
    this.records = resumeFrom?.records ?? 0;
  }

  append(item: BatchItem): void {
    const header = JSON.stringify({ key: item.key, location: item.location, text: item.text });
    if (this.log.appendLine(item.ordinal, `${header}\t${item.json}`)) this.records += 1;
  }

  position(): SpoolPosition {
    if (this.closedAt !== undefined) return this.closedAt;
    const { bytes, maxOrdinal } = this.log.position();
    return { records: this.records, bytes, maxOrdinal };
  }

  async *read(): AsyncIterable<BatchItem> {
    const { bytes } = this.log.position();
    if (bytes === 0) return;
    const lines = createInterface({
      input: createReadStream(this.file, { encoding: 'utf8', start: 0, end: bytes - 1 }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      const tab = line.indexOf('\t');
      const header = JSON.parse(line.slice(0, tab)) as {
        key: string;
        location: RecordLocation;
        text: string;
      };
      // The ordinal is given when the record is read back (input records + its place in the spool).
      yield { ...header, json: line.slice(tab + 1), ordinal: 0 };
    }
  }

  close(): void {
    if (this.closedAt !== undefined) return;
    this.closedAt = this.position();
    this.log.close();
  }

  /** Removes the file once the run that needed it has finished. */
  remove(): void {
    this.close();
    unlinkSync(this.file);
  }
}
