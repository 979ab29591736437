/**
 * The EHR chaincode's wire contract: transaction names, argument order, result shapes and error codes.
 * The chaincode implements it; the gateway and the migrator call it through one typed client. Nothing here does I/O.
 */
import type { FhirResource } from './fhir-resource.js';

export const CHAINCODE_NAME = 'ehr';
export const CHANNEL_NAME = 'ehrchannel';

/** Transaction names exactly as invoked on the ledger. */
export const Tx = {
  CreateRecords: 'CreateRecords',
  CreateRecord: 'CreateRecord',
  ReadRecord: 'ReadRecord',
  UpdateRecord: 'UpdateRecord',
  GetRecordHistory: 'GetRecordHistory',
  ListPatientRecords: 'ListPatientRecords',
  UpdatePatientAddress: 'UpdatePatientAddress',
  ResearchQuery: 'ResearchQuery',
} as const;
export type TxName = (typeof Tx)[keyof typeof Tx];

/** Roles carried in the enrolment certificate attribute `role`. */
export const ROLES = ['provider', 'patient', 'regulator', 'migrator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The access matrix of the wire contract: which roles may call each transaction. Patients are further limited to
 * their own compartment by the transaction itself. The chaincode enforces it; callers may use it to explain refusals.
 */
export const ALLOWED_ROLES: Readonly<Record<TxName, readonly Role[]>> = {
  CreateRecords: ['provider', 'migrator'],
  CreateRecord: ['provider'],
  ReadRecord: ['provider', 'patient'],
  UpdateRecord: ['provider'],
  GetRecordHistory: ['provider', 'patient'],
  ListPatientRecords: ['provider', 'patient'],
  UpdatePatientAddress: ['provider', 'patient'],
  ResearchQuery: ['regulator'],
};

/**
 * Stable error codes. The chaincode puts the code first in its error message as `CC_ERR_X: detail`, so a caller
 * reads the code with `parseChaincodeError` and never parses the prose after it.
 */
export const ChaincodeErrorCode = {
  FORBIDDEN: 'CC_ERR_FORBIDDEN',
  NOT_FOUND: 'CC_ERR_NOT_FOUND',
  VERSION_CONFLICT: 'CC_ERR_VERSION_CONFLICT',
  ALREADY_EXISTS: 'CC_ERR_ALREADY_EXISTS',
  INVALID_ARGUMENT: 'CC_ERR_INVALID_ARGUMENT',
  INVALID_RESOURCE: 'CC_ERR_INVALID_RESOURCE',
  BATCH_TOO_LARGE: 'CC_ERR_BATCH_TOO_LARGE',
} as const;
export type ChaincodeErrorCode = (typeof ChaincodeErrorCode)[keyof typeof ChaincodeErrorCode];

const CODE_PATTERN = /\b(CC_ERR_[A-Z_]+)\b:?\s*(.*)/s;

export function formatChaincodeError(code: ChaincodeErrorCode, detail: string): string {
  return `${code}: ${detail}`;
}

export function parseChaincodeError(
  message: string,
): { code: ChaincodeErrorCode; detail: string } | undefined {
  const match = CODE_PATTERN.exec(message);
  if (!match?.[1]) return undefined;
  const known = Object.values(ChaincodeErrorCode) as string[];
  if (!known.includes(match[1])) return undefined;
  return { code: match[1] as ChaincodeErrorCode, detail: (match[2] ?? '').trim() };
}

/** A record as the ledger returns it: the resource with server-set meta, and the hash of its content. */
export interface StoredRecord {
  resource: FhirResource;
  /** sha256 of the canonical content without meta.versionId / meta.lastUpdated (see `contentHash`). */
  hash: string;
}

export type BatchItemOutcome = 'created' | 'unchanged' | 'conflict' | 'invalid';

export interface BatchItemResult {
  /** Position in the submitted array. */
  index: number;
  /** `resourceType/id` when the item had both, else undefined. */
  key?: string;
  outcome: BatchItemOutcome;
  versionId?: string;
  hash?: string;
  /** For conflict / invalid. */
  code?: ChaincodeErrorCode;
  reason?: string;
}

export interface BatchResult {
  items: BatchItemResult[];
  counts: Record<BatchItemOutcome, number>;
}

export interface HistoryEntry {
  txId: string;
  /** ISO-8601 transaction timestamp. */
  timestamp: string;
  isDelete: boolean;
  resource?: FhirResource;
}

export interface Page<T> {
  items: T[];
  /** Empty when there are no more pages. */
  bookmark: string;
}

/** Most records one CreateRecords call accepts; larger batches are refused whole with BATCH_TOO_LARGE. */
export const MAX_BATCH_ITEMS = 1000;
export const MAX_PAGE_SIZE = 500;

/** Where a write spent its time, for the gateway's Server-Timing header and the load tests' phase metrics. */
export interface PhaseTimings {
  endorseMs: number;
  submitMs: number;
  commitMs: number;
}

export interface Committed<T> {
  value: T;
  txId: string;
  timings: PhaseTimings;
}

/**
 * What the gateway and the migrator need from the ledger, one method per transaction. The Fabric implementation
 * lives in one adapter; unit tests may fake this interface, nothing a user runs does.
 */
export interface EhrLedger {
  createRecords(batch: readonly FhirResource[]): Promise<Committed<BatchResult>>;
  createRecord(resource: FhirResource): Promise<Committed<StoredRecord>>;
  readRecord(resourceType: string, id: string): Promise<StoredRecord>;
  updateRecord(resource: FhirResource, expectedVersion: string): Promise<Committed<StoredRecord>>;
  getRecordHistory(resourceType: string, id: string): Promise<HistoryEntry[]>;
  listPatientRecords(
    patientId: string,
    resourceType: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<StoredRecord>>;
  updatePatientAddress(patientId: string, address: unknown[]): Promise<Committed<StoredRecord>>;
  researchQuery(
    resourceType: string,
    code: string | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<FhirResource>>;
}
