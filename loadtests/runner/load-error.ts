/** The load runner's failure classes, each with a stable code the README lists. */

export type LoadErrorCode =
  | 'LOAD_SCRIPT_NOT_FOUND'
  | 'LOAD_K6_FAILED'
  | 'LOAD_POINTS_UNREADABLE'
  | 'LOAD_AUDIT_NO_IDENTITY'
  | 'LOAD_PROC_UNREADABLE'
  | 'LOAD_TARGET_UNREACHABLE';

export class LoadError extends Error {
  readonly code: LoadErrorCode;
  constructor(code: LoadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoadError';
    this.code = code;
  }
}
