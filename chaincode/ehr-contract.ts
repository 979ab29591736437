/**
 * The EHR contract: one method per transaction of common/ehr-contract.ts, each returning canonical JSON so the
 * endorsing peers' responses are byte-identical. fabric-contract-api turns every public method of this class's
 * own prototype into a transaction (helpers live outside the class, so none leaks in) and passes every argument
 * as a string.
 */
import { Contract } from 'fabric-contract-api';
import { canonicalJson, contentHash } from '../common/canonical-json.js';
import {
  ChaincodeErrorCode,
  MAX_BATCH_ITEMS,
  Tx,
  type BatchResult,
  type Page,
  type StoredRecord,
} from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import { authorize, requireCompartment, type Caller } from './access.js';
import { parseAddresses } from './address.js';
import {
  decodeBookmark,
  encodeBookmark,
  parseJsonArgument,
  parsePageSize,
  parseResourceArgument,
  parseVersionArgument,
  requireId,
  requireResourceType,
} from './arguments.js';
import { ChaincodeError } from './chaincode-error.js';
import { batchKeys, judgeCreateRecords, type HeldRecord } from './create-records-rule.js';
import { patientIdOf } from './compartment.js';
import type { EhrContext } from './context.js';
import { deidentify } from './deidentify.js';
import { CODE_INDEX, isIndexableAttribute, PATIENT_INDEX, recordStateKey, typeRange } from './keys.js';
import { partialCompositeKeyPage, rangePage } from './ledger-iteration.js';
import { nextVersionId, RecordStore, stampRecord } from './record-store.js';
import { timestampToIso } from './tx-timestamp.js';

export const CONTRACT_NAME = 'ehr';

export class EhrContract extends Contract {
  constructor() {
    super(CONTRACT_NAME);
  }

  async CreateRecords(ctx: EhrContext, batchJson: string): Promise<string> {
    authorize(ctx.clientIdentity, Tx.CreateRecords);
    const batch = parseJsonArgument(batchJson, 'batch');
    if (!Array.isArray(batch)) {
      throw new ChaincodeError(
        ChaincodeErrorCode.INVALID_ARGUMENT,
        'batch: expected a JSON array of resources',
      );
    }
    if (batch.length > MAX_BATCH_ITEMS) {
      throw new ChaincodeError(
        ChaincodeErrorCode.BATCH_TOO_LARGE,
        `batch has ${batch.length} items; at most ${MAX_BATCH_ITEMS} per CreateRecords call`,
      );
    }
    return canonicalJson(await createRecords(ctx, batch));
  }

  async CreateRecord(ctx: EhrContext, resourceJson: string): Promise<string> {
    authorize(ctx.clientIdentity, Tx.CreateRecord);
    const resource = parseResourceArgument(resourceJson, 'resource');
    const store = new RecordStore(ctx.stub);
    const existing = await store.read(resource.resourceType, resource.id);
    const hash = contentHash(resource);
    if (existing !== undefined) {
      if (existing.hash === hash) return canonicalJson(existing);
      throw new ChaincodeError(
        ChaincodeErrorCode.ALREADY_EXISTS,
        `${keyOf(resource)} already exists (version ${versionOf(existing)}) with different content; use UpdateRecord`,
      );
    }
    const record = stampRecord(resource, hash, '1', timestampToIso(ctx.stub.getTxTimestamp()));
    await store.write(undefined, record);
    return record.json;
  }

  async ReadRecord(ctx: EhrContext, resourceType: string, id: string): Promise<string> {
    const caller = authorize(ctx.clientIdentity, Tx.ReadRecord);
    const record = await readInCompartment(ctx, caller, resourceType, id);
    return canonicalJson(record);
  }

  async UpdateRecord(ctx: EhrContext, resourceJson: string, expectedVersion: string): Promise<string> {
    authorize(ctx.clientIdentity, Tx.UpdateRecord);
    const resource = parseResourceArgument(resourceJson, 'resource');
    const expected = parseVersionArgument(expectedVersion, 'expectedVersion');
    const current = await readExisting(ctx, resource.resourceType, resource.id);
    return writeNewVersion(ctx, current, resource, expected);
  }

  async GetRecordHistory(ctx: EhrContext, resourceType: string, id: string): Promise<string> {
    const caller = authorize(ctx.clientIdentity, Tx.GetRecordHistory);
    await readInCompartment(ctx, caller, resourceType, id);
    const entries = await new RecordStore(ctx.stub).history(resourceType, id);
    if (caller.role !== 'patient') return canonicalJson(entries);
    // A patient sees only the versions that were in their own compartment: a record a provider moved here from
    // another patient (a misfiled Observation, corrected) still holds that patient's data in its older versions.
    return canonicalJson(
      entries.filter(
        (entry) => entry.resource === undefined || patientIdOf(entry.resource) === caller.patientId,
      ),
    );
  }

  async ListPatientRecords(
    ctx: EhrContext,
    patientId: string,
    resourceType: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const caller = authorize(ctx.clientIdentity, Tx.ListPatientRecords);
    requireId(patientId, 'patientId');
    if (resourceType !== '') requireResourceType(resourceType, 'resourceType');
    requireCompartment(caller, patientId, `Patient/${patientId}`);
    const attributes = resourceType === '' ? [patientId] : [patientId, resourceType];
    const page = await partialCompositeKeyPage(
      ctx.stub,
      PATIENT_INDEX,
      attributes,
      parsePageSize(pageSize),
      decodeBookmark(bookmark),
    );
    const store = new RecordStore(ctx.stub);
    const items: StoredRecord[] = [];
    for (const entry of page.entries) {
      const record = await store.readKey(Buffer.from(entry.value).toString('utf8'));
      if (record !== undefined) items.push(record);
    }
    const result: Page<StoredRecord> = { items, bookmark: encodeBookmark(page.bookmark) };
    return canonicalJson(result);
  }

  async UpdatePatientAddress(ctx: EhrContext, patientId: string, addressJson: string): Promise<string> {
    const caller = authorize(ctx.clientIdentity, Tx.UpdatePatientAddress);
    requireId(patientId, 'patientId');
    requireCompartment(caller, patientId, `Patient/${patientId}`);
    const addresses = parseAddresses(parseJsonArgument(addressJson, 'address'));
    const current = await readExisting(ctx, 'Patient', patientId);
    const updated: FhirResource = { ...current.resource, address: addresses };
    // FHIR JSON has no empty arrays: an empty list removes the element.
    if (addresses.length === 0) delete updated.address;
    return writeNewVersion(ctx, current, updated, versionOf(current));
  }

  async ResearchQuery(
    ctx: EhrContext,
    resourceType: string,
    code: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    authorize(ctx.clientIdentity, Tx.ResearchQuery);
    requireResourceType(resourceType, 'resourceType');
    if (code !== '' && (!isIndexableAttribute(code) || code.length > 256)) {
      throw new ChaincodeError(
        ChaincodeErrorCode.INVALID_ARGUMENT,
        `code ${JSON.stringify(code.slice(0, 80))} is not a code (1-256 characters, no U+0000)`,
      );
    }
    const size = parsePageSize(pageSize);
    const start = decodeBookmark(bookmark);
    const store = new RecordStore(ctx.stub);
    const records: StoredRecord[] = [];
    let nextBookmark: string;
    if (code === '') {
      const page = await rangePage(ctx.stub, typeRange(resourceType), size, start);
      for (const entry of page.entries)
        records.push(JSON.parse(Buffer.from(entry.value).toString('utf8')) as StoredRecord);
      nextBookmark = page.bookmark;
    } else {
      const page = await partialCompositeKeyPage(ctx.stub, CODE_INDEX, [resourceType, code], size, start);
      for (const entry of page.entries) {
        const record = await store.readKey(Buffer.from(entry.value).toString('utf8'));
        if (record !== undefined) records.push(record);
      }
      nextBookmark = page.bookmark;
    }
    const result: Page<FhirResource> = {
      items: records.map((record) => deidentify(record.resource)),
      bookmark: encodeBookmark(nextBookmark),
    };
    return canonicalJson(result);
  }
}

async function createRecords(ctx: EhrContext, batch: unknown[]): Promise<BatchResult> {
  const store = new RecordStore(ctx.stub);
  const lastUpdated = timestampToIso(ctx.stub.getTxTimestamp());
  // One read per distinct key, issued together: 1000 sequential round trips to the peer would dominate the call.
  const committed = new Map<string, HeldRecord | undefined>();
  await Promise.all(
    [...batchKeys(batch)].map(async (key) => {
      const record = await store.readKey(key);
      committed.set(
        key,
        record === undefined ? undefined : { hash: record.hash, versionId: versionOf(record) },
      );
    }),
  );
  const { result, creations } = judgeCreateRecords(batch, (key) => committed.get(key));
  for (const { resource, hash } of creations)
    await store.write(undefined, stampRecord(resource, hash, '1', lastUpdated));
  return result;
}

/**
 * The current record, for a caller who may see it. A patient learns nothing outside their compartment, not even
 * whether a record exists: an absent record is FORBIDDEN to them like a present one, except their own Patient.
 */
async function readInCompartment(
  ctx: EhrContext,
  caller: Caller,
  resourceType: string,
  id: string,
): Promise<StoredRecord> {
  let record: StoredRecord;
  try {
    record = await readExisting(ctx, resourceType, id);
  } catch (error) {
    const own = resourceType === 'Patient' && id === caller.patientId;
    if (error instanceof ChaincodeError && error.code === ChaincodeErrorCode.NOT_FOUND && !own)
      requireCompartment(caller, undefined, recordStateKey(resourceType, id));
    throw error;
  }
  requireCompartment(caller, patientIdOf(record.resource), recordStateKey(resourceType, id));
  return record;
}

async function readExisting(ctx: EhrContext, resourceType: string, id: string): Promise<StoredRecord> {
  requireResourceType(resourceType, 'resourceType');
  requireId(id, 'id');
  const record = await new RecordStore(ctx.stub).read(resourceType, id);
  if (record === undefined) {
    throw new ChaincodeError(
      ChaincodeErrorCode.NOT_FOUND,
      `${recordStateKey(resourceType, id)} does not exist`,
    );
  }
  return record;
}

/**
 * Same content as stored → the stored record, no write (so a retried update that already committed succeeds);
 * otherwise the caller's version must be the current one. Answers the record's canonical JSON.
 */
async function writeNewVersion(
  ctx: EhrContext,
  current: StoredRecord,
  resource: FhirResource,
  expectedVersion: string,
): Promise<string> {
  const hash = contentHash(resource);
  if (hash === current.hash) return canonicalJson(current);
  const currentVersion = versionOf(current);
  if (currentVersion !== expectedVersion) {
    throw new ChaincodeError(
      ChaincodeErrorCode.VERSION_CONFLICT,
      `${keyOf(current.resource)} is at version ${currentVersion}, not the expected ${expectedVersion}; read it again`,
    );
  }
  const next = stampRecord(resource, hash, nextVersionId(current), timestampToIso(ctx.stub.getTxTimestamp()));
  await new RecordStore(ctx.stub).write(current, next);
  return next.json;
}

function keyOf(resource: FhirResource): string {
  return recordStateKey(resource.resourceType, resource.id ?? '');
}

function versionOf(record: StoredRecord): string {
  return record.resource.meta?.versionId ?? '';
}
