import assert from 'node:assert/strict';
import { contentHash } from '../common/canonical-json.js';
import {
  ChaincodeErrorCode,
  MAX_BATCH_ITEMS,
  parseChaincodeError,
  type BatchResult,
  type HistoryEntry,
  type Page,
  type StoredRecord,
} from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import { ChaincodeError } from './chaincode-error.js';
import type { EhrContext } from './context.js';
import { EhrContract } from './ehr-contract.js';
import { InMemoryLedger, type FakeIdentity } from './in-memory-ledger.fake.js';
import { pseudonymFor } from './deidentify.js';

const provider: FakeIdentity = { attributes: { role: 'provider' } };
const migrator: FakeIdentity = { attributes: { role: 'migrator' } };
const regulator: FakeIdentity = { attributes: { role: 'regulator' } };
const patientP1: FakeIdentity = { attributes: { role: 'patient', patientId: 'p1' } };
const patientP2: FakeIdentity = { attributes: { role: 'patient', patientId: 'p2' } };
const noRole: FakeIdentity = { attributes: {} };
const contract = new EhrContract();

function patient(id: string, extra: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Patient',
    id,
    name: [{ family: `Family-${id}`, given: ['Given'] }],
    birthDate: '1980-08-14',
    identifier: [{ system: 'urn:mrn', value: `MRN-${id}` }],
    ...extra,
  };
}

function observation(
  id: string,
  patientId: string,
  code = '8867-4',
  extra: Record<string, unknown> = {},
): FhirResource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code, display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}`, display: `Family-${patientId}` },
    valueQuantity: { value: 72, unit: '/min' },
    ...extra,
  };
}

type Call = (ctx: EhrContext) => Promise<string>;

async function submit<T>(ledger: InMemoryLedger, who: FakeIdentity, call: Call): Promise<T> {
  return JSON.parse(await ledger.submit(who, call)) as T;
}

async function evaluate<T>(ledger: InMemoryLedger, who: FakeIdentity, call: Call): Promise<T> {
  return JSON.parse(await ledger.evaluate(who, call)) as T;
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: ChaincodeErrorCode,
  detail?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ChaincodeError, `expected a ChaincodeError, got ${String(error)}`);
    assert.equal(error.code, code);
    // The wire form: what fabric-shim sends is the message, and the client parses the code back out of it.
    assert.equal(parseChaincodeError(error.message)?.code, code);
    if (detail !== undefined) assert.match(error.detail, detail);
    return true;
  });
}

const create =
  (resource: unknown): Call =>
  (ctx) =>
    contract.CreateRecord(ctx, JSON.stringify(resource));
const createBatch =
  (items: unknown[]): Call =>
  (ctx) =>
    contract.CreateRecords(ctx, JSON.stringify(items));
const read =
  (type: string, id: string): Call =>
  (ctx) =>
    contract.ReadRecord(ctx, type, id);
const update =
  (resource: unknown, version: string): Call =>
  (ctx) =>
    contract.UpdateRecord(ctx, JSON.stringify(resource), version);
const history =
  (type: string, id: string): Call =>
  (ctx) =>
    contract.GetRecordHistory(ctx, type, id);
const list =
  (patientId: string, type: string, size: string, bookmark: string): Call =>
  (ctx) =>
    contract.ListPatientRecords(ctx, patientId, type, size, bookmark);
const moveTo =
  (patientId: string, address: unknown): Call =>
  (ctx) =>
    contract.UpdatePatientAddress(ctx, patientId, JSON.stringify(address));
const research =
  (type: string, code: string, size: string, bookmark: string): Call =>
  (ctx) =>
    contract.ResearchQuery(ctx, type, code, size, bookmark);

async function seeded(): Promise<InMemoryLedger> {
  const ledger = new InMemoryLedger();
  await submit(
    ledger,
    migrator,
    createBatch([patient('p1'), patient('p2'), observation('o1', 'p1'), observation('o2', 'p2')]),
  );
  return ledger;
}

describe('EhrContract', () => {
  describe('CreateRecord', () => {
    it('stores canonical JSON with version 1, the transaction timestamp and the content hash', async () => {
      const ledger = new InMemoryLedger();
      const stored = await submit<StoredRecord>(
        ledger,
        provider,
        create(patient('p1', { meta: { versionId: '99' } })),
      );
      assert.equal(stored.resource.meta?.versionId, '1');
      assert.equal(stored.resource.meta.lastUpdated, '2026-01-01T00:00:01.000Z');
      assert.equal(stored.hash, contentHash(patient('p1')));
      const raw = Buffer.from(ledger.committed('Patient/p1') ?? []).toString('utf8');
      assert.ok(raw.startsWith('{"hash":"'), raw.slice(0, 40));
      assert.deepEqual(JSON.parse(raw), stored);
    });

    it('returns the stored record for the same content, and ALREADY_EXISTS for different content', async () => {
      const ledger = new InMemoryLedger();
      await submit(ledger, provider, create(patient('p1')));
      const again = await submit<StoredRecord>(ledger, provider, create(patient('p1')));
      assert.equal(again.resource.meta?.versionId, '1');
      assert.equal(again.resource.meta.lastUpdated, '2026-01-01T00:00:01.000Z');
      await rejectsWith(
        ledger.submit(provider, create(patient('p1', { gender: 'male' }))),
        ChaincodeErrorCode.ALREADY_EXISTS,
        /Patient\/p1 already exists \(version 1\)/,
      );
    });

    it('refuses bad JSON with INVALID_ARGUMENT and a bad resource with INVALID_RESOURCE', async () => {
      const ledger = new InMemoryLedger();
      await rejectsWith(
        ledger.submit(provider, (ctx) => contract.CreateRecord(ctx, '{not json')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /resource is not valid JSON/,
      );
      await rejectsWith(
        ledger.submit(provider, create({ id: 'x' })),
        ChaincodeErrorCode.INVALID_RESOURCE,
        /resourceType undefined/,
      );
      await rejectsWith(
        ledger.submit(provider, create({ resourceType: 'Patient' })),
        ChaincodeErrorCode.INVALID_RESOURCE,
        /Patient.id is missing/,
      );
      await rejectsWith(
        ledger.submit(provider, create({ resourceType: 'Patient', id: 'a/b' })),
        ChaincodeErrorCode.INVALID_RESOURCE,
        /not a FHIR id/,
      );
      await rejectsWith(
        ledger.submit(provider, create([1, 2])),
        ChaincodeErrorCode.INVALID_RESOURCE,
        /found an array/,
      );
      assert.deepEqual(ledger.keys(), []);
    });
  });

  describe('CreateRecords', () => {
    it('reports created / unchanged / conflict / invalid per item without failing the batch', async () => {
      const ledger = new InMemoryLedger();
      await submit(ledger, provider, create(patient('p1')));
      const result = await submit<BatchResult>(
        ledger,
        migrator,
        createBatch([
          patient('p1'),
          patient('p1', { gender: 'other' }),
          observation('o1', 'p1'),
          { resourceType: 'Observation', id: 'bad id' },
          'text',
        ]),
      );
      assert.deepEqual(
        result.items.map((i) => i.outcome),
        ['unchanged', 'conflict', 'created', 'invalid', 'invalid'],
      );
      assert.deepEqual(result.counts, { created: 1, unchanged: 1, conflict: 1, invalid: 2 });
      assert.equal(result.items[1]?.code, ChaincodeErrorCode.ALREADY_EXISTS);
      assert.equal(result.items[3]?.code, ChaincodeErrorCode.INVALID_RESOURCE);
      assert.equal(result.items[3].key, 'Observation/bad id');
      assert.equal(result.items[4]?.key, undefined);
      assert.match(result.items[4]?.reason ?? '', /expected a JSON object/);
      assert.deepEqual(result.items[2], {
        index: 2,
        key: 'Observation/o1',
        outcome: 'created',
        versionId: '1',
        hash: contentHash(observation('o1', 'p1')),
      });
    });

    it('is idempotent: re-submitting a batch changes nothing', async () => {
      const ledger = new InMemoryLedger();
      const batch = [patient('p1'), observation('o1', 'p1'), observation('o2', 'p1', '1234-5')];
      const first = await submit<BatchResult>(ledger, migrator, createBatch(batch));
      const digest = ledger.stateDigest();
      const second = await submit<BatchResult>(ledger, migrator, createBatch(batch));
      assert.deepEqual(first.counts, { created: 3, unchanged: 0, conflict: 0, invalid: 0 });
      assert.deepEqual(second.counts, { created: 0, unchanged: 3, conflict: 0, invalid: 0 });
      assert.equal(ledger.stateDigest(), digest);
      const simulation = await ledger.simulate(migrator, createBatch(batch));
      assert.deepEqual(simulation.writeSet, [], 'a re-run writes no key at all');
    });

    it('handles duplicates inside one batch: identical → unchanged, different → conflict', async () => {
      const ledger = new InMemoryLedger();
      const result = await submit<BatchResult>(
        ledger,
        migrator,
        createBatch([patient('p1'), patient('p1'), patient('p1', { gender: 'female' })]),
      );
      assert.deepEqual(
        result.items.map((i) => i.outcome),
        ['created', 'unchanged', 'conflict'],
      );
      const stored = await evaluate<StoredRecord>(ledger, provider, read('Patient', 'p1'));
      assert.equal(stored.resource.gender, undefined);
    });

    it(`creates ${MAX_BATCH_ITEMS} records in one call and refuses ${MAX_BATCH_ITEMS + 1} with BATCH_TOO_LARGE`, async () => {
      const ledger = new InMemoryLedger();
      const batch = Array.from({ length: MAX_BATCH_ITEMS }, (_, n) => observation(`o${n}`, `p${n % 50}`));
      const result = await submit<BatchResult>(ledger, migrator, createBatch(batch));
      assert.equal(result.counts.created, MAX_BATCH_ITEMS);
      // Each record has one patient-index and one code-index entry.
      assert.equal(ledger.keys().length, MAX_BATCH_ITEMS * 3);
      await rejectsWith(
        ledger.submit(migrator, createBatch([...batch, patient('p1')])),
        ChaincodeErrorCode.BATCH_TOO_LARGE,
        /1001 items; at most 1000/,
      );
    });

    it('refuses a batch that is not a JSON array with INVALID_ARGUMENT', async () => {
      const ledger = new InMemoryLedger();
      await rejectsWith(
        ledger.submit(migrator, (ctx) => contract.CreateRecords(ctx, '{"resourceType":"Patient"}')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /expected a JSON array/,
      );
      await rejectsWith(
        ledger.submit(migrator, (ctx) => contract.CreateRecords(ctx, '[')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /batch is not valid JSON/,
      );
    });
  });

  describe('ReadRecord', () => {
    it('returns the record, NOT_FOUND for an absent one, INVALID_ARGUMENT for a bad type or id', async () => {
      const ledger = await seeded();
      const stored = await evaluate<StoredRecord>(ledger, provider, read('Observation', 'o1'));
      assert.equal(stored.resource.id, 'o1');
      await rejectsWith(
        ledger.evaluate(provider, read('Observation', 'nope')),
        ChaincodeErrorCode.NOT_FOUND,
        /Observation\/nope does not exist/,
      );
      await rejectsWith(
        ledger.evaluate(provider, read('observation', 'o1')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /resourceType "observation"/,
      );
      await rejectsWith(
        ledger.evaluate(provider, read('Observation', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /id "" is not a FHIR id/,
      );
    });

    it('lets a patient read their own compartment only', async () => {
      const ledger = await seeded();
      assert.equal(
        (await evaluate<StoredRecord>(ledger, patientP1, read('Patient', 'p1'))).resource.id,
        'p1',
      );
      assert.equal(
        (await evaluate<StoredRecord>(ledger, patientP1, read('Observation', 'o1'))).resource.id,
        'o1',
      );
      await rejectsWith(
        ledger.evaluate(patientP1, read('Observation', 'o2')),
        ChaincodeErrorCode.FORBIDDEN,
        /not in the caller's patient compartment/,
      );
      await rejectsWith(ledger.evaluate(patientP1, read('Patient', 'p2')), ChaincodeErrorCode.FORBIDDEN);
      // No existence oracle: a record that is not there is refused like one that is.
      await rejectsWith(ledger.evaluate(patientP1, read('Patient', 'nobody')), ChaincodeErrorCode.FORBIDDEN);
      await rejectsWith(ledger.evaluate(provider, read('Patient', 'nobody')), ChaincodeErrorCode.NOT_FOUND);
    });
  });

  describe('UpdateRecord', () => {
    it('bumps the version, keeps the indexes right when the patient changes, and refuses a stale version', async () => {
      const ledger = await seeded();
      const moved = observation('o1', 'p2', '9999-9');
      const v2 = await submit<StoredRecord>(ledger, provider, update(moved, '1'));
      assert.equal(v2.resource.meta?.versionId, '2');
      assert.equal(v2.resource.meta.lastUpdated, '2026-01-01T00:00:02.000Z');
      const p1 = await evaluate<Page<StoredRecord>>(ledger, provider, list('p1', 'Observation', '10', ''));
      const p2 = await evaluate<Page<StoredRecord>>(ledger, provider, list('p2', 'Observation', '10', ''));
      assert.deepEqual(
        p1.items.map((r) => r.resource.id),
        [],
      );
      assert.deepEqual(
        p2.items.map((r) => r.resource.id),
        ['o1', 'o2'],
      );
      const byOldCode = await evaluate<Page<FhirResource>>(
        ledger,
        regulator,
        research('Observation', '8867-4', '10', ''),
      );
      assert.deepEqual(
        byOldCode.items.map((r) => r.id),
        [pseudonymFor('Observation', 'o2')],
      );
      await rejectsWith(
        ledger.submit(provider, update(observation('o1', 'p2', '1111-1'), '1')),
        ChaincodeErrorCode.VERSION_CONFLICT,
        /at version 2, not the expected 1/,
      );
    });

    it('treats a resend of the stored content as done (a retried update succeeds without a new version)', async () => {
      const ledger = await seeded();
      await submit(ledger, provider, update(observation('o1', 'p1', '1111-1'), '1'));
      const retried = await submit<StoredRecord>(
        ledger,
        provider,
        update(observation('o1', 'p1', '1111-1'), '1'),
      );
      assert.equal(retried.resource.meta?.versionId, '2');
    });

    it('answers NOT_FOUND, INVALID_ARGUMENT and INVALID_RESOURCE for bad input', async () => {
      const ledger = await seeded();
      await rejectsWith(
        ledger.submit(provider, update(observation('zz', 'p1'), '1')),
        ChaincodeErrorCode.NOT_FOUND,
      );
      await rejectsWith(
        ledger.submit(provider, update(observation('o1', 'p1'), 'v1')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /expectedVersion "v1"/,
      );
      await rejectsWith(
        ledger.submit(provider, update({ resourceType: 'Observation' }, '1')),
        ChaincodeErrorCode.INVALID_RESOURCE,
      );
    });
  });

  describe('GetRecordHistory', () => {
    it('returns every version oldest first with its transaction id and timestamp', async () => {
      const ledger = await seeded();
      await submit(ledger, provider, update(observation('o1', 'p1', '2222-2'), '1'));
      await submit(ledger, provider, update(observation('o1', 'p1', '3333-3'), '2'));
      const entries = await evaluate<HistoryEntry[]>(ledger, provider, history('Observation', 'o1'));
      assert.deepEqual(
        entries.map((e) => e.resource?.meta?.versionId),
        ['1', '2', '3'],
      );
      assert.deepEqual(
        entries.map((e) => e.txId),
        [1, 2, 3].map((n) => InMemoryLedger.txIdFor(n)),
      );
      assert.deepEqual(
        entries.map((e) => e.timestamp),
        ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z'],
      );
      assert.ok(entries.every((e) => !e.isDelete));
    });

    it('lets a patient see the history of their own records only, and answers NOT_FOUND for no record', async () => {
      const ledger = await seeded();
      assert.equal(
        (await evaluate<HistoryEntry[]>(ledger, patientP1, history('Observation', 'o1'))).length,
        1,
      );
      await rejectsWith(
        ledger.evaluate(patientP1, history('Observation', 'o2')),
        ChaincodeErrorCode.FORBIDDEN,
      );
      await rejectsWith(
        ledger.evaluate(provider, history('Observation', 'none')),
        ChaincodeErrorCode.NOT_FOUND,
      );
    });

    it('answers a patient FORBIDDEN for an absent record outside their compartment, as ReadRecord does', async () => {
      const ledger = await seeded();
      // NOT_FOUND here would tell a patient which ids exist in other compartments.
      await rejectsWith(
        ledger.evaluate(patientP1, history('Observation', 'none')),
        ChaincodeErrorCode.FORBIDDEN,
      );
      await rejectsWith(ledger.evaluate(patientP1, history('Patient', 'p9')), ChaincodeErrorCode.FORBIDDEN);
      await submit(ledger, provider, update(patient('p1', { birthDate: '1980-08-15' }), '1'));
      assert.equal((await evaluate<HistoryEntry[]>(ledger, patientP1, history('Patient', 'p1'))).length, 2);
    });

    it("shows a patient only the versions of a moved record that were in their compartment, never the other patient's", async () => {
      const ledger = await seeded();
      // Filed under p1 by mistake, with p1's name in it, then moved to p2 by a provider.
      await submit(
        ledger,
        provider,
        update(observation('o1', 'p1', '8867-4', { note: [{ text: 'p1 secret' }] }), '1'),
      );
      await submit(ledger, provider, update(observation('o1', 'p2'), '2'));
      const seen = await evaluate<HistoryEntry[]>(ledger, patientP2, history('Observation', 'o1'));
      assert.deepEqual(
        seen.map((entry) => entry.resource?.meta?.versionId),
        ['3'],
      );
      assert.doesNotMatch(JSON.stringify(seen), /p1 secret|Family-p1|Patient\/p1/);
      const all = await evaluate<HistoryEntry[]>(ledger, provider, history('Observation', 'o1'));
      assert.equal(all.length, 3, 'providers still see every version');
      await rejectsWith(
        ledger.evaluate(patientP1, history('Observation', 'o1')),
        ChaincodeErrorCode.FORBIDDEN,
      );
    });
  });

  describe('ListPatientRecords', () => {
    it('answers an empty last page for a compartment with no records (the shim then gives no metadata)', async () => {
      const ledger = await seeded();
      const patientP3: FakeIdentity = { attributes: { role: 'patient', patientId: 'p3' } };
      // On the devnet this was a 500 "Cannot read properties of undefined (reading 'bookmark')": a seeded patient
      // without records got 503 for their own search and $everything.
      for (const type of ['', 'Observation']) {
        assert.deepEqual(await evaluate<Page<StoredRecord>>(ledger, patientP3, list('p3', type, '50', '')), {
          items: [],
          bookmark: '',
        });
      }
      assert.deepEqual(
        await evaluate<Page<unknown>>(ledger, regulator, research('Condition', '', '50', '')),
        {
          items: [],
          bookmark: '',
        },
      );
    });

    it('pages through a patient compartment with bookmarks, optionally by type', async () => {
      const ledger = new InMemoryLedger();
      const records = [
        patient('p1'),
        ...Array.from({ length: 5 }, (_, n) => observation(`o${n}`, 'p1')),
        observation('x', 'p2'),
      ];
      await submit(ledger, migrator, createBatch(records));
      const seen: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page: Page<StoredRecord> = await evaluate(ledger, patientP1, list('p1', '', '2', bookmark));
        seen.push(...page.items.map((r) => `${r.resource.resourceType}/${r.resource.id ?? ''}`));
        bookmark = page.bookmark;
        pages += 1;
        assert.doesNotMatch(bookmark, /[^A-Za-z0-9_-]/, 'bookmarks are URL-safe');
      } while (bookmark !== '' && pages < 10);
      assert.deepEqual(seen, [
        'Observation/o0',
        'Observation/o1',
        'Observation/o2',
        'Observation/o3',
        'Observation/o4',
        'Patient/p1',
      ]);
      assert.equal(pages, 3);
      const patientsOnly = await evaluate<Page<StoredRecord>>(
        ledger,
        provider,
        list('p1', 'Patient', '10', ''),
      );
      assert.deepEqual(
        patientsOnly.items.map((r) => r.resource.id),
        ['p1'],
      );
      assert.equal(patientsOnly.bookmark, '');
    });

    it('refuses another patient, bad page sizes, and a bookmark forged to start outside the compartment', async () => {
      const ledger = await seeded();
      await rejectsWith(ledger.evaluate(patientP1, list('p2', '', '10', '')), ChaincodeErrorCode.FORBIDDEN);
      await rejectsWith(
        ledger.evaluate(provider, list('p1', '', '0', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /pageSize "0"/,
      );
      await rejectsWith(
        ledger.evaluate(provider, list('p1', '', '501', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
      );
      await rejectsWith(
        ledger.evaluate(provider, list('p1', 'bad type', '10', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
      );
      await rejectsWith(
        ledger.evaluate(provider, list('p1', '', '10', 'not base64!')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /bookmark/,
      );
      // A bookmark pointing at the start of the whole index would list p1's *and* p2's records if it were trusted.
      const forged = Buffer.from('\u0000patient~type~id\u0000', 'utf8').toString('base64url');
      await rejectsWith(
        ledger.evaluate(patientP1, list('p1', '', '10', forged)),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /does not belong to this query/,
      );
    });
  });

  describe('UpdatePatientAddress', () => {
    const address = [
      {
        use: 'home',
        line: ['1 Main St'],
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
        country: 'US',
      },
    ];

    it('lets a patient replace their own address, bumping the version and touching nothing else', async () => {
      const ledger = await seeded();
      const updated = await submit<StoredRecord>(ledger, patientP1, moveTo('p1', address));
      assert.equal(updated.resource.meta?.versionId, '2');
      assert.deepEqual(updated.resource.address, address);
      assert.deepEqual(updated.resource.name, patient('p1').name);
      const cleared = await submit<StoredRecord>(ledger, patientP1, moveTo('p1', []));
      assert.equal(cleared.resource.meta?.versionId, '3');
      assert.equal('address' in cleared.resource, false);
    });

    it('refuses another patient, a non-Address and an unknown patient', async () => {
      const ledger = await seeded();
      await rejectsWith(ledger.submit(patientP2, moveTo('p1', address)), ChaincodeErrorCode.FORBIDDEN);
      await rejectsWith(
        ledger.submit(patientP1, moveTo('p1', { city: 'x' })),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /expected a JSON array of Address/,
      );
      await rejectsWith(
        ledger.submit(patientP1, moveTo('p1', [{ city: 'x', name: 'y' }])),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /address\[0\].name: is not an element of Address/,
      );
      await rejectsWith(
        ledger.submit(patientP1, moveTo('p1', [{ use: 'castle' }])),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /address\[0\].use: expected one of home/,
      );
      await rejectsWith(
        ledger.submit(patientP1, (ctx) => contract.UpdatePatientAddress(ctx, 'p1', 'nope')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /address is not valid JSON/,
      );
      await rejectsWith(ledger.submit(provider, moveTo('p9', address)), ChaincodeErrorCode.NOT_FOUND);
    });
  });

  describe('ResearchQuery', () => {
    it('returns de-identified records of one type, filtered by code, paged', async () => {
      const ledger = new InMemoryLedger();
      await submit(
        ledger,
        migrator,
        createBatch([
          patient('p1'),
          observation('o1', 'p1'),
          observation('o2', 'p1'),
          observation('o3', 'p1', '1234-5'),
        ]),
      );
      const first = await evaluate<Page<FhirResource>>(
        ledger,
        regulator,
        research('Observation', '8867-4', '1', ''),
      );
      assert.equal(first.items.length, 1);
      assert.notEqual(first.bookmark, '');
      const second = await evaluate<Page<FhirResource>>(
        ledger,
        regulator,
        research('Observation', '8867-4', '1', first.bookmark),
      );
      assert.equal(second.bookmark, '');
      const ids = [...first.items, ...second.items].map((r) => r.id);
      assert.deepEqual(ids, [pseudonymFor('Observation', 'o1'), pseudonymFor('Observation', 'o2')]);
      assert.deepEqual(second.items[0]?.subject, { reference: `Patient/${pseudonymFor('Patient', 'p1')}` });

      const patients = await evaluate<Page<FhirResource>>(
        ledger,
        regulator,
        research('Patient', '', '10', ''),
      );
      assert.deepEqual(patients.items, [
        {
          resourceType: 'Patient',
          id: pseudonymFor('Patient', 'p1'),
          birthDate: '1980',
          meta: { versionId: '1' },
        },
      ]);
      const all = await evaluate<Page<FhirResource>>(
        ledger,
        regulator,
        research('Observation', '', '10', ''),
      );
      assert.equal(all.items.length, 3);
    });

    it('is for regulators only, and checks its arguments', async () => {
      const ledger = await seeded();
      await rejectsWith(
        ledger.evaluate(provider, research('Observation', '', '10', '')),
        ChaincodeErrorCode.FORBIDDEN,
        /not allowed for role provider/,
      );
      await rejectsWith(
        ledger.evaluate(regulator, research('', '', '10', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
      );
      await rejectsWith(
        ledger.evaluate(regulator, research('Observation', 'a\u0000b', '10', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /is not a code/,
      );
      await rejectsWith(
        ledger.evaluate(regulator, research('Observation', '', 'ten', '')),
        ChaincodeErrorCode.INVALID_ARGUMENT,
      );
      const otherType = Buffer.from('Patient/p1', 'utf8').toString('base64url');
      await rejectsWith(
        ledger.evaluate(regulator, research('Observation', '', '10', otherType)),
        ChaincodeErrorCode.INVALID_ARGUMENT,
        /does not belong/,
      );
    });
  });

  describe('access matrix', () => {
    const everyCall: [string, Call][] = [
      ['CreateRecords', createBatch([])],
      ['CreateRecord', create(patient('p3'))],
      ['ReadRecord', read('Patient', 'p1')],
      ['UpdateRecord', update(patient('p1', { gender: 'male' }), '1')],
      ['GetRecordHistory', history('Patient', 'p1')],
      ['ListPatientRecords', list('p1', '', '10', '')],
      ['UpdatePatientAddress', moveTo('p1', [{ city: 'x' }])],
      ['ResearchQuery', research('Patient', '', '10', '')],
    ];
    const allowed: Record<string, string[]> = {
      provider: [
        'CreateRecords',
        'CreateRecord',
        'ReadRecord',
        'UpdateRecord',
        'GetRecordHistory',
        'ListPatientRecords',
        'UpdatePatientAddress',
      ],
      patient: ['ReadRecord', 'GetRecordHistory', 'ListPatientRecords', 'UpdatePatientAddress'],
      regulator: ['ResearchQuery'],
      migrator: ['CreateRecords'],
      none: [],
      auditor: [],
    };
    const identities: Record<string, FakeIdentity> = {
      provider,
      patient: patientP1,
      regulator,
      migrator,
      none: noRole,
      auditor: { attributes: { role: 'auditor' } },
    };

    for (const [role, identity] of Object.entries(identities)) {
      it(`${role}: allowed ${allowed[role]?.join(', ') || 'nothing'}, FORBIDDEN otherwise`, async () => {
        for (const [name, call] of everyCall) {
          const ledger = await seeded();
          if (allowed[role]?.includes(name) === true) {
            await ledger.submit(identity, call);
          } else {
            await rejectsWith(ledger.submit(identity, call), ChaincodeErrorCode.FORBIDDEN);
          }
        }
      });
    }

    it('refuses a patient certificate without a patientId attribute', async () => {
      const ledger = await seeded();
      await rejectsWith(
        ledger.evaluate({ attributes: { role: 'patient' } }, read('Patient', 'p1')),
        ChaincodeErrorCode.FORBIDDEN,
        /must carry the attribute patientId/,
      );
    });
  });

  describe('determinism', () => {
    async function scriptedRun(): Promise<InMemoryLedger> {
      const ledger = new InMemoryLedger();
      const batch = Array.from({ length: 200 }, (_, n) =>
        n % 10 === 0 ? patient(`p${n}`) : observation(`o${n}`, `p${n - (n % 10)}`, `code-${n % 7}`),
      );
      await submit(ledger, migrator, createBatch(batch));
      await submit(ledger, provider, update(observation('o1', 'p10', 'moved'), '1'));
      await submit(ledger, provider, moveTo('p0', [{ city: 'Springfield', line: ['1 Main'] }]));
      await submit(ledger, migrator, createBatch(batch));
      return ledger;
    }

    it('gives byte-identical state on two independent runs', async () => {
      const [a, b] = [await scriptedRun(), await scriptedRun()];
      assert.equal(a.keys().length, 200 * 2 + 180);
      assert.equal(a.stateDigest(), b.stateDigest());
      assert.deepEqual(a.historyOf('Observation/o1'), b.historyOf('Observation/o1'));
    });

    it('gives two endorsing peers the same response bytes and write set', async () => {
      const peer1 = await scriptedRun();
      const peer2 = peer1.clone();
      const call = update(observation('o2', 'p0', 'new-code'), '1');
      const [e1, e2] = [await peer1.simulate(provider, call), await peer2.simulate(provider, call)];
      assert.equal(e1.result, e2.result);
      assert.deepEqual(e1.writeSet, e2.writeSet);
      assert.equal(e1.writeSet.length, 3, 'the record, its new code index entry, and the deleted old one');
    });
  });
});
