import { formatChaincodeError, type ChaincodeErrorCode } from '../common/ehr-contract.js';

/**
 * The one error the contract throws. fabric-shim sends only `error.message` to the client, so the message starts
 * with the stable code (`CC_ERR_X: detail`) and the client reads it back with `parseChaincodeError`.
 */
export class ChaincodeError extends Error {
  readonly code: ChaincodeErrorCode;
  readonly detail: string;

  constructor(code: ChaincodeErrorCode, detail: string, options?: { cause?: unknown }) {
    super(formatChaincodeError(code, detail), options);
    this.name = 'ChaincodeError';
    this.code = code;
    this.detail = detail;
  }
}
