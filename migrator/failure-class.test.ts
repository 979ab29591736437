import assert from 'node:assert/strict';
import { LedgerError } from '../ledger-client/ledger-error.js';
import { defaultErrorClassifier } from './failure-class.js';

describe('defaultErrorClassifier with ledger-client errors', () => {
  const ledgerError = (code: ConstructorParameters<typeof LedgerError>[0]) =>
    new LedgerError(code, `failed with ${code}`, { transaction: 'CreateRecords' });

  it('re-sends a batch after an unknown or conflicting outcome, because CreateRecords is idempotent', () => {
    for (const code of [
      'UNAVAILABLE',
      'MVCC_READ_CONFLICT',
      'PHANTOM_READ_CONFLICT',
      'SUBMIT_FAILED',
      'COMMIT_STATUS_UNKNOWN',
    ] as const) {
      assert.equal(defaultErrorClassifier.classify(ledgerError(code)), 'transient', code);
    }
  });

  it('never retries a chaincode refusal or a bad response', () => {
    for (const code of [
      'CC_ERR_FORBIDDEN',
      'CC_ERR_BATCH_TOO_LARGE',
      'BAD_RESPONSE',
      'COMMIT_FAILED',
      'ENDORSE_FAILED',
    ] as const) {
      assert.equal(defaultErrorClassifier.classify(ledgerError(code)), 'permanent', code);
    }
  });
});
