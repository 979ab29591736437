/**
 * The one typed client over the EHR chaincode, shared by the gateway and the migrator. Reads are evaluated on one
 * peer; writes go proposal → endorse → submit → commit status, which is exactly what fabric-gateway's
 * `submitAsync` + `getStatus()` do, taken one step at a time so each phase is timed on its own (Server-Timing,
 * load-test phase metrics). A write returns only once the transaction is committed as valid.
 */
import type { ProposalOptions } from '@hyperledger/fabric-gateway';
import {
  MAX_BATCH_ITEMS,
  Tx,
  type BatchResult,
  type Committed,
  type EhrLedger,
  type HistoryEntry,
  type Page,
  type StoredRecord,
  type TxName,
} from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import { mapCallError, mapInvalidStatus } from './error-mapping.js';
import { LedgerError, LedgerErrorCode } from './ledger-error.js';

/** The narrow part of fabric-gateway's Contract used here; the real Contract satisfies it. */
export interface LedgerContract {
  evaluate(transactionName: string, options?: ProposalOptions): Promise<Uint8Array>;
  newProposal(transactionName: string, options?: ProposalOptions): LedgerProposal;
}

export interface LedgerProposal {
  getTransactionId(): string;
  endorse(): Promise<LedgerTransaction>;
}

export interface LedgerTransaction {
  getResult(): Uint8Array;
  submit(): Promise<LedgerCommit>;
}

export interface LedgerCommit {
  getStatus(): Promise<{ code: number; successful: boolean; transactionId: string; blockNumber: bigint }>;
}

const decoder = new TextDecoder();

export class FabricEhrLedger implements EhrLedger {
  constructor(
    private readonly contract: LedgerContract,
    private readonly now: () => number = () => performance.now(),
  ) {}

  createRecords(batch: readonly FhirResource[]): Promise<Committed<BatchResult>> {
    // `[a,b]` joined from each record's JSON is byte for byte JSON.stringify of the array.
    return this.createRecordsJson(batch.map((resource) => JSON.stringify(resource)));
  }

  /**
   * CreateRecords for records that are already canonical JSON (the migrator's): the argument is built by joining
   * them, so a record is not parsed and serialised again on its way out. Same bytes as `createRecords` would send.
   */
  createRecordsJson(batch: readonly string[]): Promise<Committed<BatchResult>> {
    if (batch.length > MAX_BATCH_ITEMS) {
      // The chaincode would refuse it too; refusing here saves an endorsement round trip.
      return Promise.reject(
        new LedgerError(
          LedgerErrorCode.BATCH_TOO_LARGE,
          `batch has ${batch.length} items; at most ${MAX_BATCH_ITEMS} per CreateRecords call`,
          { transaction: Tx.CreateRecords },
        ),
      );
    }
    return this.submit(Tx.CreateRecords, [`[${batch.join(',')}]`]);
  }

  createRecord(resource: FhirResource): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.CreateRecord, [JSON.stringify(resource)]);
  }

  readRecord(resourceType: string, id: string): Promise<StoredRecord> {
    return this.evaluate(Tx.ReadRecord, [resourceType, id]);
  }

  updateRecord(resource: FhirResource, expectedVersion: string): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.UpdateRecord, [JSON.stringify(resource), expectedVersion]);
  }

  getRecordHistory(resourceType: string, id: string): Promise<HistoryEntry[]> {
    return this.evaluate(Tx.GetRecordHistory, [resourceType, id]);
  }

  listPatientRecords(
    patientId: string,
    resourceType: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<StoredRecord>> {
    return this.evaluate(Tx.ListPatientRecords, [patientId, resourceType ?? '', String(pageSize), bookmark]);
  }

  updatePatientAddress(patientId: string, address: unknown[]): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.UpdatePatientAddress, [patientId, JSON.stringify(address)]);
  }

  researchQuery(
    resourceType: string,
    code: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<FhirResource>> {
    return this.evaluate(Tx.ResearchQuery, [resourceType, code ?? '', String(pageSize), bookmark]);
  }

  private async evaluate<T>(transaction: TxName, args: string[]): Promise<T> {
    let bytes: Uint8Array;
    try {
      bytes = await this.contract.evaluate(transaction, { arguments: args });
    } catch (error) {
      throw mapCallError(error, 'evaluate', transaction);
    }
    return decodeResult(bytes, transaction) as T;
  }

  private async submit<T>(transaction: TxName, args: string[]): Promise<Committed<T>> {
    const proposal = this.contract.newProposal(transaction, { arguments: args });
    const txId = proposal.getTransactionId();
    const started = this.now();

    let endorsed: LedgerTransaction;
    try {
      endorsed = await proposal.endorse();
    } catch (error) {
      throw mapCallError(error, 'endorse', transaction, txId);
    }
    const endorsedAt = this.now();

    let commit: LedgerCommit;
    try {
      commit = await endorsed.submit();
    } catch (error) {
      throw mapCallError(error, 'submit', transaction, txId);
    }
    const submittedAt = this.now();

    let status: Awaited<ReturnType<LedgerCommit['getStatus']>>;
    try {
      status = await commit.getStatus();
    } catch (error) {
      throw mapCallError(error, 'commit-status', transaction, txId);
    }
    const committedAt = this.now();
    if (!status.successful) throw mapInvalidStatus(status.code, transaction, txId);

    return {
      value: decodeResult(endorsed.getResult(), transaction, txId) as T,
      txId,
      timings: {
        endorseMs: roundMs(endorsedAt - started),
        submitMs: roundMs(submittedAt - endorsedAt),
        commitMs: roundMs(committedAt - submittedAt),
      },
    };
  }
}

function decodeResult(bytes: Uint8Array, transaction: string, transactionId?: string): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LedgerError(
      LedgerErrorCode.BAD_RESPONSE,
      `${transaction} returned ${bytes.length} bytes that are not JSON: ${JSON.stringify(text.slice(0, 80))}`,
      { transaction, ...(transactionId === undefined ? {} : { transactionId }), cause: error },
    );
  }
}

function roundMs(value: number): number {
  return Math.round(value * 100) / 100;
}
