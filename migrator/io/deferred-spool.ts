/**
 * The file where a live run sets aside the records it submits after the referenced types (core/deferred-records.ts):
 * one line per record, `{"key","location","text"}` TAB canonical JSON. The canonical JSON is stored as the pipeline
 * wrote it and sent as read back, never parsed again; the text (the record as read) is only for the dead letter,
 * should the ledger refuse the record. JSON text holds no raw tab, so the first tab ends the header.
 *
 * Every checkpoint records the spool's size after an fsync (like the dead letter's), so a resume cuts it back to
 * that size and carries on appending: every record the spool then holds is not set aside again (its highest
 * ordinal is recorded too), every later one is when the resumed run reads it.
 */
import {
  closeSync,
  createReadStream,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import type { BatchItem } from '../core/batch-submitter.js';
import type { DeferredSpool, SpoolPosition } from '../core/deferred-records.js';
import type { RecordLocation } from '../core/record-location.js';
import { CheckpointInvalidError, OutputWriteError } from '../errors.js';

const FLUSH_BYTES = 1 << 20;

export class DeferredFileSpool implements DeferredSpool {
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private written = 0;
  private records = 0;
  private maxOrdinal = 0;
  /** Records up to this input ordinal survived the resume cut. */
  private readonly skipUpTo: number;

  /** `resumeFrom`: the position a checkpoint recorded, cut back to; otherwise a new, empty spool. */
  constructor(
    readonly file: string,
    resumeFrom?: SpoolPosition,
  ) {
    this.skipUpTo = resumeFrom?.maxOrdinal ?? 0;
    this.maxOrdinal = this.skipUpTo;
    try {
      this.fd = openSync(file, resumeFrom === undefined ? 'w' : 'r+');
    } catch (error) {
      if (resumeFrom === undefined) throw new OutputWriteError(file, 'deferred-record spool', error);
      throw new CheckpointInvalidError(
        file,
        `the checkpoint's deferred-record spool ${file} cannot be opened (${String(error)}); delete the checkpoint to start over`,
        { cause: error },
      );
    }
    if (resumeFrom === undefined) return;
    const size = fstatSync(this.fd).size;
    if (size < resumeFrom.bytes) {
      closeSync(this.fd);
      throw new CheckpointInvalidError(
        file,
        `${file} has ${size} bytes but the checkpoint recorded ${resumeFrom.bytes}; it was changed since, so resuming would lose records`,
      );
    }
    ftruncateSync(this.fd, resumeFrom.bytes);
    this.written = resumeFrom.bytes;
    this.records = resumeFrom.records;
  }

  append(item: BatchItem): void {
    if (item.ordinal <= this.skipUpTo) return;
    this.maxOrdinal = item.ordinal;
    const header = JSON.stringify({ key: item.key, location: item.location, text: item.text });
    const line = `${header}\t${item.json}\n`;
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    this.records += 1;
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  position(): SpoolPosition {
    this.flush();
    try {
      if (this.fd !== undefined) fsyncSync(this.fd);
    } catch (error) {
      throw new OutputWriteError(this.file, 'deferred-record spool', error);
    }
    return { records: this.records, bytes: this.written, maxOrdinal: this.maxOrdinal };
  }

  async *read(): AsyncIterable<BatchItem> {
    this.flush();
    const bytes = this.written;
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
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Removes the file once the run that needed it has finished. */
  remove(): void {
    this.close();
    unlinkSync(this.file);
  }

  private flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const bytes = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
    try {
      for (let done = 0; done < bytes.length;) {
        done += writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
      }
    } catch (error) {
      throw new OutputWriteError(this.file, 'deferred-record spool', error);
    }
    this.written += bytes.length;
  }
}
