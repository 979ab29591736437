/** Failures of the network commands, each with a stable code and the exit code the CLI gives it. */
import { ExitCode } from '../../common/cli-args.js';

export type NetworkErrorCode =
  | 'NETWORK_NOT_CREATED'
  | 'NETWORK_NOT_RUNNING'
  | 'NETWORK_START_FAILED'
  | 'NETWORK_UNKNOWN_NODE'
  | 'NETWORK_PROFILE_MISMATCH'
  | 'NETWORK_DEPLOY_FAILED';

const EXIT: Record<NetworkErrorCode, number> = {
  NETWORK_NOT_CREATED: ExitCode.USAGE,
  // Not running is a target the command cannot reach: exit 2, as migrate's LEDGER_UNAVAILABLE and load's
  // LOAD_TARGET_UNREACHABLE.
  NETWORK_NOT_RUNNING: ExitCode.USAGE,
  NETWORK_START_FAILED: ExitCode.FAILURE,
  NETWORK_UNKNOWN_NODE: ExitCode.USAGE,
  NETWORK_PROFILE_MISMATCH: ExitCode.USAGE,
  NETWORK_DEPLOY_FAILED: ExitCode.FAILURE,
};

export class NetworkError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
    this.exitCode = EXIT[code];
  }
}
