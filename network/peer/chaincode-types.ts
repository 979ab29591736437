/**
 * The seam between the peer's endorsement and the chaincode-as-a-service driver: the peer hands over a validated
 * proposal and the committed state to read; the driver runs the chaincode over the shim protocol and returns what
 * Fabric's endorser puts into a ChaincodeAction.
 */
import type { StateReader } from '../ledger/types.js';

export interface ChaincodeInvocation {
  readonly channelId: string;
  readonly txId: string;
  readonly chaincodeName: string;
  /** bytes(protos.SignedProposal) as the client sent them: the shim reads creator, timestamp, transient and binding. */
  readonly signedProposal: Uint8Array;
  /** bytes(protos.ChaincodeInput) from the ChaincodeInvocationSpec. */
  readonly input: Uint8Array;
  /** Evaluate: pagination allowed, writes refused as Fabric refuses them in query-only simulation. */
  readonly readOnly: boolean;
  readonly state: StateReader;
  /** Fabric's default execute timeout is 30 s. */
  readonly timeoutMs: number;
}

export interface ChaincodeResult {
  /** protos.Response from COMPLETED: status, message, payload. */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  /** bytes(rwset.TxReadWriteSet): one NsReadWriteSet for the chaincode's namespace (reads, range infos, writes, metadata writes), entries sorted. */
  readonly results: Uint8Array;
  /** bytes(protos.ChaincodeEvent) with chaincode_id and tx_id set, or undefined when the chaincode set none. */
  readonly event?: Uint8Array;
}

/** Raised when the chaincode cannot be reached or breaks the protocol (not for a chaincode's own error response). */
export class ChaincodeUnavailableError extends Error {
  constructor(
    readonly chaincodeName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChaincodeUnavailableError';
  }
}

export interface ChaincodeRuntime {
  /** Dials (or re-dials) the chaincode server for `packageId` at `address` and completes REGISTER/READY. */
  connect(name: string, packageId: string, address: string): Promise<void>;
  execute(invocation: ChaincodeInvocation): Promise<ChaincodeResult>;
  close(): Promise<void>;
}
