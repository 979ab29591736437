import assert from 'node:assert/strict';
import { canonicalJson, contentHash } from '../common/canonical-json.js';
import type { StoredRecord } from '../common/ehr-contract.js';
import type { FhirResource } from '../common/fhir-resource.js';
import type { EhrContext } from './context.js';
import { EhrContract } from './ehr-contract.js';
import { InMemoryLedger, type FakeIdentity } from './in-memory-ledger.fake.js';
import { recordStateKey } from './keys.js';

const provider: FakeIdentity = { attributes: { role: 'provider' } };
const migrator: FakeIdentity = { attributes: { role: 'migrator' } };
const contract = new EhrContract();

/** Keys out of order at two depths, and client-sent server meta that the contract must replace. */
const sent: FhirResource = {
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId: '9', lastUpdated: '1999-01-01T00:00:00Z', profile: ['urn:p'] },
  name: [{ given: ['Ann'], family: 'Ng' }],
  birthDate: '1980-08-14',
};

function storedText(ledger: InMemoryLedger, key: string): string {
  const bytes = ledger.committed(key);
  assert.ok(bytes !== undefined, `${key} is stored`);
  return new TextDecoder().decode(bytes);
}

/** What the contract should store: the canonical JSON of the content's hash and the content stamped with meta. */
function expectedBytes(resource: FhirResource, versionId: string, lastUpdated: string): string {
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta ?? {};
  return canonicalJson({
    hash: contentHash(resource),
    resource: { ...resource, meta: { ...meta, versionId, lastUpdated } },
  });
}

/**
 * Runs `call` with JSON.parse watched and returns its result and every text it parsed. The contract parses its
 * arguments and what it reads from world state; parsing the record it has just serialised is the waste this pins.
 */
async function watchingParse(run: () => Promise<string>): Promise<{ result: string; parsed: string[] }> {
  const parsed: string[] = [];
  const original = JSON.parse;
  JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]): unknown => {
    parsed.push(text);
    return original(text, reviver);
  }) as typeof JSON.parse;
  try {
    return { result: await run(), parsed };
  } finally {
    JSON.parse = original;
  }
}

describe('chaincode record store: one canonical serialisation per write', () => {
  it('stores exactly canonicalJson(stamped record) and answers CreateRecord with the same bytes', async () => {
    const ledger = new InMemoryLedger();
    const call = (ctx: EhrContext) => contract.CreateRecord(ctx, JSON.stringify(sent));
    const { result, parsed } = await watchingParse(() => ledger.submit(provider, call));
    const stored = storedText(ledger, recordStateKey('Patient', 'p1'));
    const { lastUpdated } = (JSON.parse(stored) as StoredRecord).resource.meta ?? {};
    assert.ok(lastUpdated !== undefined);
    assert.equal(stored, result, 'the answer is the stored bytes');
    assert.equal(stored, expectedBytes(sent, '1', lastUpdated));
    // Pinned: the bytes the contract stored before serialising once, so a change of layout cannot pass unnoticed.
    assert.equal(
      stored,
      `{"hash":"${contentHash(sent)}","resource":{"birthDate":"1980-08-14","id":"p1","meta":{"lastUpdated":"${lastUpdated}","profile":["urn:p"],"versionId":"1"},"name":[{"family":"Ng","given":["Ann"]}],"resourceType":"Patient"}}`,
    );
    assert.ok(!parsed.includes(stored), 'the contract parsed the record it had just serialised');
  });

  it('stores canonicalJson(stamped record) on UpdateRecord and UpdatePatientAddress without parsing it back', async () => {
    const ledger = new InMemoryLedger();
    await ledger.submit(provider, (ctx) => contract.CreateRecord(ctx, JSON.stringify(sent)));
    const key = recordStateKey('Patient', 'p1');
    const changed: FhirResource = { ...sent, birthDate: '1980-08-15' };
    const updated = await watchingParse(() =>
      ledger.submit(provider, (ctx) => contract.UpdateRecord(ctx, JSON.stringify(changed), '1')),
    );
    const afterUpdate = storedText(ledger, key);
    const v2 = (JSON.parse(afterUpdate) as StoredRecord).resource.meta?.lastUpdated ?? '';
    assert.equal(afterUpdate, updated.result);
    assert.equal(afterUpdate, expectedBytes(changed, '2', v2));
    assert.ok(!updated.parsed.includes(afterUpdate), 'UpdateRecord parsed its own output');

    const address = [{ city: 'Leeds' }];
    const moved = await watchingParse(() =>
      ledger.submit(provider, (ctx) => contract.UpdatePatientAddress(ctx, 'p1', JSON.stringify(address))),
    );
    const afterMove = storedText(ledger, key);
    const v3 = (JSON.parse(afterMove) as StoredRecord).resource.meta?.lastUpdated ?? '';
    assert.equal(afterMove, moved.result);
    assert.equal(afterMove, expectedBytes({ ...changed, address }, '3', v3));
    assert.ok(!moved.parsed.includes(afterMove), 'UpdatePatientAddress parsed its own output');
  });

  it('stores canonicalJson(stamped record) for every item CreateRecords creates, parsing none back', async () => {
    const ledger = new InMemoryLedger();
    const other: FhirResource = { resourceType: 'Patient', id: 'p2', gender: 'female' };
    const { parsed } = await watchingParse(() =>
      ledger.submit(migrator, (ctx) => contract.CreateRecords(ctx, JSON.stringify([sent, other]))),
    );
    for (const resource of [sent, other]) {
      const stored = storedText(ledger, recordStateKey(resource.resourceType, resource.id ?? ''));
      const lastUpdated = (JSON.parse(stored) as StoredRecord).resource.meta?.lastUpdated ?? '';
      assert.equal(stored, expectedBytes(resource, '1', lastUpdated));
      assert.ok(!parsed.includes(stored), `CreateRecords parsed ${resource.id ?? ''} back`);
    }
  });
});
