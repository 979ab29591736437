export type ToolchainErrorCode =
  | 'TOOLCHAIN_GO_MISSING'
  | 'TOOLCHAIN_GO_TOO_OLD'
  | 'TOOLCHAIN_MODULE_UNAVAILABLE'
  | 'TOOLCHAIN_BUILD_FAILED'
  | 'TOOLCHAIN_BINARY_MISSING'
  | 'TOOLCHAIN_WRONG_VERSION';

/** Anything that stops fhirledger from having a tool it needs; the message says what to do about it. */
export class ToolchainError extends Error {
  constructor(
    readonly code: ToolchainErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ToolchainError';
  }
}
