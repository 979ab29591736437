/** One Error subclass per failure class of the migrator, each with a stable `code`, the `cause` and context. */
import { ledgerErrorCodeOf } from '../ledger-client/retry.js';

export const MIGRATOR_ERROR_CODES = [
  'SCHEMA_COMPILE_FAILED',
  'INPUT_NOT_FOUND',
  'INPUT_READ_FAILED',
  'CHECKPOINT_MISMATCH',
  'CHECKPOINT_EXISTS',
  'CHECKPOINT_INVALID',
  'LEDGER_BATCH_FAILED',
  'LEDGER_UNAVAILABLE',
  'FHIR_SERVER_FAILED',
  'OUTPUT_WRITE_FAILED',
  'PIPELINE_WORKER_FAILED',
  'LEDGER_READ_FAILED',
  'BLOCK_DECODE_FAILED',
] as const;
export type MigratorErrorCode = (typeof MIGRATOR_ERROR_CODES)[number];

export abstract class MigratorError extends Error {
  abstract readonly code: MigratorErrorCode;
}

export class SchemaCompileError extends MigratorError {
  readonly code = 'SCHEMA_COMPILE_FAILED';
  override readonly name = 'SchemaCompileError';
}

/** An error about one input (file, folder or URL), named in `input` so a caller can report or retry it. */
abstract class InputError extends MigratorError {
  constructor(
    readonly input: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class InputNotFoundError extends InputError {
  readonly code = 'INPUT_NOT_FOUND';
  override readonly name = 'InputNotFoundError';
}

export class InputReadError extends InputError {
  readonly code = 'INPUT_READ_FAILED';
  override readonly name = 'InputReadError';
}

/** An error about the checkpoint file, named in `checkpointFile` (the user fixes or deletes that one file). */
abstract class CheckpointError extends MigratorError {
  constructor(
    readonly checkpointFile: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `--resume` against inputs or options other than the checkpoint's. */
export class CheckpointMismatchError extends CheckpointError {
  readonly code = 'CHECKPOINT_MISMATCH';
  override readonly name = 'CheckpointMismatchError';
}

/** A checkpoint is there but `--resume` was not given: starting over would silently discard it. */
export class CheckpointExistsError extends CheckpointError {
  readonly code = 'CHECKPOINT_EXISTS';
  override readonly name = 'CheckpointExistsError';
  constructor(checkpointFile: string) {
    super(
      checkpointFile,
      `checkpoint ${checkpointFile} already exists; pass --resume to continue that migration, or delete the file to start over`,
    );
  }
}

export class CheckpointInvalidError extends CheckpointError {
  readonly code = 'CHECKPOINT_INVALID';
  override readonly name = 'CheckpointInvalidError';
}

/**
 * A batch the ledger refused for good (contract or validation error), or retries ran out. When the ledger could not
 * be reached at all (the client's UNAVAILABLE on the last attempt) the code is LEDGER_UNAVAILABLE, as when migrate
 * finds no ledger at start: the same condition, the same exit code (2), and a rerun with --resume picks up.
 */
export class LedgerBatchError extends MigratorError {
  readonly code: 'LEDGER_BATCH_FAILED' | 'LEDGER_UNAVAILABLE';
  override readonly name = 'LedgerBatchError';
  constructor(
    message: string,
    readonly batch: { firstOrdinal: number; lastOrdinal: number; size: number; attempts: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code =
      ledgerErrorCodeOf(options?.cause) === 'UNAVAILABLE' ? 'LEDGER_UNAVAILABLE' : 'LEDGER_BATCH_FAILED';
  }
}

export class FhirServerError extends MigratorError {
  readonly code = 'FHIR_SERVER_FAILED';
  override readonly name = 'FhirServerError';
  constructor(
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A file the migrator writes (dead letter, fix log, checkpoint, report) could not be opened or written, e.g. ENOSPC
 * on a full disk. The message names the file and the system error code.
 */
export class OutputWriteError extends MigratorError {
  readonly code = 'OUTPUT_WRITE_FAILED';
  override readonly name = 'OutputWriteError';
  constructor(
    readonly file: string,
    what: string,
    cause: unknown,
  ) {
    super(`cannot write ${what} ${file}: ${systemErrorText(cause)}`, { cause });
  }
}

/** `ENOSPC: no space left on device, write` → that text; anything else → its string form. */
function systemErrorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A record worker thread crashed or threw: a bug, not bad input (bad input becomes a rejection). */
export class PipelineWorkerError extends MigratorError {
  readonly code = 'PIPELINE_WORKER_FAILED';
  override readonly name = 'PipelineWorkerError';
  constructor(
    readonly worker: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `migrate verify`: the chain height could not be read (qscc GetChainInfo), or the block stream could not be opened, broke off, or did not reach that height by the deadline. */
export class BlockReadError extends MigratorError {
  readonly code = 'LEDGER_READ_FAILED';
  override readonly name = 'BlockReadError';
}

/** `migrate verify`: a block from the peer is not a Fabric block as expected; names the block and transaction. */
export class BlockDecodeError extends MigratorError {
  readonly code = 'BLOCK_DECODE_FAILED';
  override readonly name = 'BlockDecodeError';
}
