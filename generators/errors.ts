/** The generator's failure classes, each with a stable code the CLI and callers can switch on. */
export class GeneratorOptionsError extends Error {
  readonly code = 'GEN_ERR_OPTIONS';
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
    this.name = 'GeneratorOptionsError';
  }
}

export class OutputDirectoryError extends Error {
  readonly code = 'GEN_ERR_OUTPUT_DIRECTORY';
  constructor(
    message: string,
    readonly directory: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutputDirectoryError';
  }
}

/** A clean record would itself exceed --max-record-bytes, so the ground truth could not be complete. */
export class CleanRecordTooLargeError extends Error {
  readonly code = 'GEN_ERR_CLEAN_RECORD_TOO_LARGE';
  constructor(
    readonly recordKey: string,
    readonly bytes: number,
    readonly maxRecordBytes: number,
  ) {
    super(
      `clean record ${recordKey} is ${bytes} bytes, over --max-record-bytes ${maxRecordBytes}; raise the limit`,
    );
    this.name = 'CleanRecordTooLargeError';
  }
}
