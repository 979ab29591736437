import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { MAX_BATCH_ITEMS, type StoredRecord } from '../common/ehr-contract.js';
import {
  FabricEhrLedger,
  type LedgerCommit,
  type LedgerContract,
  type LedgerProposal,
  type LedgerTransaction,
} from './fabric-ehr-ledger.js';
import { LedgerError, LedgerErrorCode } from './ledger-error.js';
import { mayRetry, RETRY_DECISION } from './retry.js';

const TX_ID = 'a1b2c3';
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const stored: StoredRecord = {
  hash: 'h',
  resource: { resourceType: 'Patient', id: 'p1', meta: { versionId: '1' } },
};

interface Step {
  endorse?: () => Promise<Uint8Array>;
  submit?: () => Promise<void>;
  status?: () => Promise<{ code: number; successful: boolean }>;
}

/** A hand-written fake of the narrow slice of fabric-gateway's Contract the client uses. */
class FakeContract implements LedgerContract {
  readonly calls: { kind: 'evaluate' | 'submit'; name: string; args: (string | Uint8Array)[] }[] = [];
  evaluateWith: () => Promise<Uint8Array> = () => Promise.resolve(encode(stored));
  step: Step = {};

  evaluate(name: string, options?: { arguments?: (string | Uint8Array)[] }): Promise<Uint8Array> {
    this.calls.push({ kind: 'evaluate', name, args: options?.arguments ?? [] });
    return this.evaluateWith();
  }

  newProposal(name: string, options?: { arguments?: (string | Uint8Array)[] }): LedgerProposal {
    this.calls.push({ kind: 'submit', name, args: options?.arguments ?? [] });
    const step = this.step;
    return {
      getTransactionId: () => TX_ID,
      endorse: async (): Promise<LedgerTransaction> => {
        const result = await (step.endorse ?? (() => Promise.resolve(encode(stored))))();
        return {
          getResult: () => result,
          submit: async (): Promise<LedgerCommit> => {
            await step.submit?.();
            return {
              getStatus: async () => {
                const status = await (
                  step.status ?? (() => Promise.resolve({ code: 0, successful: true }))
                )();
                return { ...status, transactionId: TX_ID, blockNumber: 7n };
              },
            };
          },
        };
      },
    };
  }
}

function serviceError(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${message}`), {
    code,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

function endorseError(code: grpc.status, peerMessage?: string): EndorseError {
  return new EndorseError({
    code,
    details:
      peerMessage === undefined
        ? []
        : [{ address: 'peer0.org1:7051', mspId: 'Org1MSP', message: peerMessage }],
    cause: serviceError(code, 'failed to endorse transaction'),
    transactionId: TX_ID,
    message: `${code} failed to endorse transaction, see attached details for more info`,
  });
}

async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  retryable: boolean,
): Promise<LedgerError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof LedgerError, `expected LedgerError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(RETRY_DECISION[caught.code] === 'new-transaction', retryable);
  return caught;
}

describe('FabricEhrLedger', () => {
  it('evaluates reads with the wire-contract names and string arguments', async () => {
    const contract = new FakeContract();
    const ledger = new FabricEhrLedger(contract);
    assert.deepEqual(await ledger.readRecord('Patient', 'p1'), stored);
    contract.evaluateWith = () => Promise.resolve(encode({ items: [], bookmark: '' }));
    await ledger.listPatientRecords('p1', undefined, 50, 'bm');
    await ledger.researchQuery('Observation', '8867-4', 10, '');
    await ledger.getRecordHistory('Patient', 'p1');
    assert.deepEqual(contract.calls, [
      { kind: 'evaluate', name: 'ReadRecord', args: ['Patient', 'p1'] },
      { kind: 'evaluate', name: 'ListPatientRecords', args: ['p1', '', '50', 'bm'] },
      { kind: 'evaluate', name: 'ResearchQuery', args: ['Observation', '8867-4', '10', ''] },
      { kind: 'evaluate', name: 'GetRecordHistory', args: ['Patient', 'p1'] },
    ]);
  });

  it('returns a committed write with its transaction id and per-phase timings', async () => {
    const contract = new FakeContract();
    let clock = 0;
    contract.step = {
      endorse: () => {
        clock += 12;
        return Promise.resolve(encode(stored));
      },
      submit: () => {
        clock += 3;
        return Promise.resolve();
      },
      status: () => {
        clock += 250;
        return Promise.resolve({ code: 0, successful: true });
      },
    };
    const ledger = new FabricEhrLedger(contract, () => clock);
    const committed = await ledger.updateRecord(stored.resource, '1');
    assert.deepEqual(committed, {
      value: stored,
      txId: TX_ID,
      timings: { endorseMs: 12, submitMs: 3, commitMs: 250 },
    });
    await ledger.updatePatientAddress('p1', [{ city: 'X' }]);
    await ledger.createRecords([stored.resource]);
    assert.deepEqual(
      contract.calls.map((c) => [c.name, ...c.args]),
      [
        ['UpdateRecord', JSON.stringify(stored.resource), '1'],
        ['UpdatePatientAddress', 'p1', '[{"city":"X"}]'],
        ['CreateRecords', JSON.stringify([stored.resource])],
      ],
    );
  });

  it('maps a chaincode refusal in an endorse error detail to its CC_ERR code, not retryable', async () => {
    const contract = new FakeContract();
    contract.step = {
      endorse: () =>
        Promise.reject(
          endorseError(
            grpc.status.ABORTED,
            'chaincode response 500, CC_ERR_VERSION_CONFLICT: Patient/p1 is at version 2',
          ),
        ),
    };
    const error = await rejectsWithCode(
      new FabricEhrLedger(contract).updateRecord(stored.resource, '1'),
      LedgerErrorCode.VERSION_CONFLICT,
      false,
    );
    assert.equal(error.transactionId, TX_ID);
    assert.equal(error.transaction, 'UpdateRecord');
    assert.ok(error.cause instanceof EndorseError);
    assert.match(error.message, /CC_ERR_VERSION_CONFLICT: Patient\/p1 is at version 2/);
  });

  it('maps a chaincode refusal on evaluate from the message when there are no details', async () => {
    const contract = new FakeContract();
    contract.evaluateWith = () =>
      Promise.reject(
        new GatewayError({
          code: 2,
          details: [],
          cause: serviceError(grpc.status.UNKNOWN, 'x'),
          message:
            'evaluate call to endorser returned error: chaincode response 500, CC_ERR_NOT_FOUND: Patient/p9 does not exist',
        }),
      );
    await rejectsWithCode(
      new FabricEhrLedger(contract).readRecord('Patient', 'p9'),
      LedgerErrorCode.NOT_FOUND,
      false,
    );
  });

  it('maps unavailable and deadline-exceeded endorsement to UNAVAILABLE (retryable), other failures to ENDORSE_FAILED', async () => {
    for (const [grpcCode, expected, retryable] of [
      [grpc.status.UNAVAILABLE, LedgerErrorCode.UNAVAILABLE, true],
      [grpc.status.DEADLINE_EXCEEDED, LedgerErrorCode.UNAVAILABLE, true],
      [grpc.status.ABORTED, LedgerErrorCode.ENDORSE_FAILED, false],
    ] as const) {
      const contract = new FakeContract();
      contract.step = { endorse: () => Promise.reject(endorseError(grpcCode, 'peer said no')) };
      const error = await rejectsWithCode(
        new FabricEhrLedger(contract).createRecord(stored.resource),
        expected,
        retryable,
      );
      assert.equal(error.status, grpcCode);
    }
  });

  it('maps commit status 11 to MVCC_READ_CONFLICT (retryable) and other invalid codes to COMMIT_FAILED', async () => {
    const contract = new FakeContract();
    contract.step = { status: () => Promise.resolve({ code: 11, successful: false }) };
    const mvcc = await rejectsWithCode(
      new FabricEhrLedger(contract).createRecord(stored.resource),
      LedgerErrorCode.MVCC_READ_CONFLICT,
      true,
    );
    assert.match(mvcc.message, /failed to commit with status code 11 \(MVCC_READ_CONFLICT\)/);
    assert.equal(mvcc.transactionId, TX_ID);
    contract.step = { status: () => Promise.resolve({ code: 10, successful: false }) };
    const policy = await rejectsWithCode(
      new FabricEhrLedger(contract).createRecord(stored.resource),
      LedgerErrorCode.COMMIT_FAILED,
      false,
    );
    assert.match(policy.message, /ENDORSEMENT_POLICY_FAILURE/);
  });

  it('reports a failed submit and an unreadable commit status as not retryable (the outcome is unknown)', async () => {
    const contract = new FakeContract();
    contract.step = {
      submit: () =>
        Promise.reject(
          new GatewayError({
            code: 14,
            details: [],
            cause: serviceError(grpc.status.UNAVAILABLE, 'orderer down'),
            message: 'orderer down',
          }),
        ),
    };
    await rejectsWithCode(
      new FabricEhrLedger(contract).createRecord(stored.resource),
      LedgerErrorCode.SUBMIT_FAILED,
      false,
    );
    contract.step = {
      status: () =>
        Promise.reject(
          new CommitStatusError({
            code: 4,
            details: [],
            cause: serviceError(grpc.status.DEADLINE_EXCEEDED, 'deadline'),
            transactionId: TX_ID,
            message: 'deadline',
          }),
        ),
    };
    await rejectsWithCode(
      new FabricEhrLedger(contract).createRecord(stored.resource),
      LedgerErrorCode.COMMIT_STATUS_UNKNOWN,
      false,
    );
  });

  it('refuses an oversized batch before calling the ledger, and a non-JSON result as BAD_RESPONSE', async () => {
    const contract = new FakeContract();
    const batch = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, n) => ({
      resourceType: 'Patient',
      id: `p${n}`,
    }));
    await rejectsWithCode(
      new FabricEhrLedger(contract).createRecords(batch),
      LedgerErrorCode.BATCH_TOO_LARGE,
      false,
    );
    assert.equal(contract.calls.length, 0);
    contract.evaluateWith = () => Promise.resolve(new TextEncoder().encode('not json'));
    await rejectsWithCode(
      new FabricEhrLedger(contract).readRecord('Patient', 'p1'),
      LedgerErrorCode.BAD_RESPONSE,
      false,
    );
  });
});

describe('mayRetry', () => {
  const failed = (code: LedgerErrorCode) => new LedgerError(code, code, { transaction: 'CreateRecords' });

  it('resends after a conflict or an unreachable peer, and after an unknown outcome only when the call is idempotent', () => {
    for (const code of ['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'UNAVAILABLE'] as const) {
      assert.equal(mayRetry(failed(code), { idempotent: false }), true, code);
    }
    for (const code of ['SUBMIT_FAILED', 'COMMIT_STATUS_UNKNOWN'] as const) {
      assert.equal(mayRetry(failed(code), { idempotent: true }), true, code);
      assert.equal(mayRetry(failed(code), { idempotent: false }), false, code);
    }
  });

  it('never retries a chaincode refusal, a failed commit, a bad response or anything that is not a ledger error', () => {
    for (const code of [
      'CC_ERR_FORBIDDEN',
      'CC_ERR_BATCH_TOO_LARGE',
      'ENDORSE_FAILED',
      'COMMIT_FAILED',
      'BAD_RESPONSE',
    ] as const) {
      assert.equal(mayRetry(failed(code), { idempotent: true }), false, code);
    }
    assert.equal(mayRetry(new Error('14 UNAVAILABLE: peer down'), { idempotent: true }), false);
  });
});
