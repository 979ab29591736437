/**
 * TEST ONLY: the gateway's ledger in unit tests is the real EHR chaincode (chaincode/ehr-contract.ts) running on
 * the chaincode's in-memory stub (chaincode/in-memory-ledger.fake.ts), each user calling as a certificate with their
 * role and patient id. Versions, conflicts, the access matrix, history, paging and de-identification are the
 * contract's own, so they cannot drift from it. Refusals arrive as ledger-client `LedgerError`s with the chaincode's
 * code, as the Fabric client delivers them. What is faked is only the wire: scripted failures (`failNext`), a delay,
 * and the phase timings. Nothing a user runs imports this file.
 */
import { EhrContract } from '../chaincode/ehr-contract.js';
import type { EhrContext } from '../chaincode/context.js';
import { InMemoryLedger, type FakeIdentity } from '../chaincode/in-memory-ledger.fake.js';
import {
  MAX_BATCH_ITEMS,
  parseChaincodeError,
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
import { LedgerError, LedgerErrorCode } from '../ledger-client/ledger-error.js';
import { isLedgerErrorCode } from '../ledger-client/retry.js';
import type { LedgerUser } from './ledger-access.js';

/** An injected failure whose code the ledger client does not know (to test the gateway's 500 path). */
export class FakeLedgerError extends Error {
  override name = 'LedgerError';
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** A scripted failure for the next calls of one transaction (or any). */
interface Injected {
  tx: TxName | '*';
  code: string;
  remaining: number;
}

export class InMemoryEhrNetwork {
  /** The world state and history the contract writes. */
  readonly ledger = new InMemoryLedger();
  readonly calls: { tx: TxName; subject: string }[] = [];
  private readonly contract = new EhrContract();
  private readonly injected: Injected[] = [];
  /** Added to every call, to exercise deadlines and back-pressure. */
  delayMs = 0;
  timings = { endorseMs: 12.5, submitMs: 3.25, commitMs: 850 };

  /** The next `times` calls of `tx` fail with `code` (e.g. MVCC_READ_CONFLICT, UNAVAILABLE). */
  failNext(tx: TxName | '*', code: string, times = 1): void {
    this.injected.push({ tx, code, remaining: times });
  }

  forUser(user: LedgerUser): EhrLedger {
    return new ContractLedger(this, this.contract, user);
  }

  /** @internal one call of the contract as `user`: a write is simulated then committed, a read only simulated. */
  async call(
    tx: TxName,
    user: LedgerUser,
    kind: 'submit' | 'evaluate',
    run: (ctx: EhrContext) => Promise<string>,
  ): Promise<{ value: unknown; txId: string }> {
    this.calls.push({ tx, subject: user.subject });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.injected.find((item) => (item.tx === '*' || item.tx === tx) && item.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      const message = `injected failure of ${tx}`;
      throw isLedgerErrorCode(failure.code)
        ? new LedgerError(failure.code, message, { transaction: tx })
        : new FakeLedgerError(failure.code, message);
    }
    const identity: FakeIdentity = {
      attributes: { role: user.role, ...(user.patientId === undefined ? {} : { patientId: user.patientId }) },
      id: `x509::/CN=${user.subject}::/CN=test-ca`,
    };
    try {
      const simulation = await this.ledger.simulate(identity, run);
      if (kind === 'submit') this.ledger.commit(simulation);
      return { value: JSON.parse(simulation.result) as unknown, txId: simulation.txId };
    } catch (error) {
      const refusal = error instanceof Error ? parseChaincodeError(error.message) : undefined;
      if (refusal === undefined) throw error;
      throw new LedgerError(
        refusal.code,
        `${tx} refused by the chaincode: ${refusal.code}: ${refusal.detail}`,
        {
          transaction: tx,
          cause: error,
        },
      );
    }
  }

  /** @internal */
  committed<T>(value: T, txId: string): Committed<T> {
    return { value, txId, timings: { ...this.timings } };
  }
}

/** EhrLedger as one user sees it, each method the contract transaction of the same name. */
class ContractLedger implements EhrLedger {
  constructor(
    private readonly net: InMemoryEhrNetwork,
    private readonly contract: EhrContract,
    private readonly user: LedgerUser,
  ) {}

  private async submit<T>(tx: TxName, run: (ctx: EhrContext) => Promise<string>): Promise<Committed<T>> {
    const { value, txId } = await this.net.call(tx, this.user, 'submit', run);
    return this.net.committed(value as T, txId);
  }

  private async evaluate<T>(tx: TxName, run: (ctx: EhrContext) => Promise<string>): Promise<T> {
    return (await this.net.call(tx, this.user, 'evaluate', run)).value as T;
  }

  createRecords(batch: readonly FhirResource[]): Promise<Committed<BatchResult>> {
    if (batch.length > MAX_BATCH_ITEMS) {
      // As the Fabric client does: refused before any call.
      return Promise.reject(
        new LedgerError(LedgerErrorCode.BATCH_TOO_LARGE, `batch has ${batch.length} items`, {
          transaction: Tx.CreateRecords,
        }),
      );
    }
    return this.submit(Tx.CreateRecords, (ctx) => this.contract.CreateRecords(ctx, JSON.stringify(batch)));
  }

  createRecord(resource: FhirResource): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.CreateRecord, (ctx) => this.contract.CreateRecord(ctx, JSON.stringify(resource)));
  }

  readRecord(resourceType: string, id: string): Promise<StoredRecord> {
    return this.evaluate(Tx.ReadRecord, (ctx) => this.contract.ReadRecord(ctx, resourceType, id));
  }

  updateRecord(resource: FhirResource, expectedVersion: string): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.UpdateRecord, (ctx) =>
      this.contract.UpdateRecord(ctx, JSON.stringify(resource), expectedVersion),
    );
  }

  getRecordHistory(resourceType: string, id: string): Promise<HistoryEntry[]> {
    return this.evaluate(Tx.GetRecordHistory, (ctx) => this.contract.GetRecordHistory(ctx, resourceType, id));
  }

  listPatientRecords(
    patientId: string,
    resourceType: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<StoredRecord>> {
    return this.evaluate(Tx.ListPatientRecords, (ctx) =>
      this.contract.ListPatientRecords(ctx, patientId, resourceType ?? '', String(pageSize), bookmark),
    );
  }

  updatePatientAddress(patientId: string, address: unknown[]): Promise<Committed<StoredRecord>> {
    return this.submit(Tx.UpdatePatientAddress, (ctx) =>
      this.contract.UpdatePatientAddress(ctx, patientId, JSON.stringify(address)),
    );
  }

  researchQuery(
    resourceType: string,
    code: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<FhirResource>> {
    return this.evaluate(Tx.ResearchQuery, (ctx) =>
      this.contract.ResearchQuery(ctx, resourceType, code ?? '', String(pageSize), bookmark),
    );
  }
}
