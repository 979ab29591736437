/**
 * The resume point of a migration, written atomically (temp file, fsync, rename) and only once its batches are
 * committed. `watermark` is the ordinal of the last record of the contiguous committed prefix: every record up to
 * it is either committed or recorded in the dead letter, whatever the order parallel batches finished in.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CheckpointInvalidError, CheckpointMismatchError, OutputWriteError } from '../errors.js';
import type { SpoolPosition } from '../core/deferred-records.js';
import type { LedgerCounts } from '../core/migration-report.js';

export interface LogPosition {
  /** Size of the log file when the checkpoint was written. */
  bytes: number;
  /** Highest record ordinal whose line is in the first `bytes` bytes. */
  maxOrdinal: number;
}

export interface Checkpoint {
  /** 2: one read of the input, set-aside records numbered after it (1 read the input twice). */
  version: 2;
  fingerprint: string;
  watermark: number;
  finished: boolean;
  deadLetter: LogPosition;
  fixLog: LogPosition;
  /** Ledger outcomes of the batches up to the watermark. */
  ledger: LedgerCounts;
  updatedAt: string;
  /** What the fingerprint was computed from (see fingerprint.ts), so a resume can tell how the inputs changed. */
  identity?: unknown;
  /**
   * The input that could not be read to its end (truncated gzip, unclosed Bundle). A resume may then use a
   * completed version of that file, one that begins with the bytes this run read.
   */
  stoppedOnInput?: string;
  /** The records set aside so far (core/deferred-records.ts), and the input's record count once it is read whole. */
  deferred?: SpoolPosition;
}

export class CheckpointStore {
  constructor(readonly file: string) {}

  exists(): boolean {
    return existsSync(this.file);
  }

  read(): Checkpoint {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (error) {
      throw new CheckpointInvalidError(
        this.file,
        `checkpoint ${this.file} cannot be read as JSON: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    const checkpoint = parsed as Partial<Checkpoint>;
    if (
      checkpoint.version !== 2 ||
      typeof checkpoint.watermark !== 'number' ||
      typeof checkpoint.fingerprint !== 'string'
    ) {
      throw new CheckpointInvalidError(
        this.file,
        `checkpoint ${this.file} is not a fhirledger migrate checkpoint (version 2; a checkpoint of an older fhirledger cannot be resumed, delete it to start over)`,
      );
    }
    return checkpoint as Checkpoint;
  }

  /**
   * Reads the checkpoint for --resume and refuses one written for other inputs or options, unless
   * `acceptsChangedInputs` (given the checkpoint) says the change is one resuming can handle.
   */
  readForResume(fingerprint: string, acceptsChangedInputs?: (checkpoint: Checkpoint) => boolean): Checkpoint {
    const checkpoint = this.read();
    if (checkpoint.fingerprint !== fingerprint && acceptsChangedInputs?.(checkpoint) !== true) {
      throw new CheckpointMismatchError(
        this.file,
        `checkpoint ${this.file} belongs to a migration of different inputs or options (fingerprint ${checkpoint.fingerprint.slice(0, 12)}…, this run ${fingerprint.slice(0, 12)}…); resume with the same --input and options, or delete the checkpoint to start over`,
      );
    }
    return checkpoint;
  }

  write(checkpoint: Checkpoint): void {
    const temp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    try {
      const fd = openSync(temp, 'w');
      try {
        writeSync(fd, `${JSON.stringify(checkpoint, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
    } catch (error) {
      // The previous checkpoint is still in place (the rename is the commit point), so resuming from it is safe.
      throw new OutputWriteError(this.file, 'checkpoint', error);
    }
  }
}
