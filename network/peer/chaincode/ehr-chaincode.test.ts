/**
 * The project's EHR chaincode (chaincode/, compiled to dist/chaincode by the build) served by the real
 * fabric-chaincode-node server and run through CcaasRuntime: CreateRecords reads the caller's `role` certificate
 * attribute through ClientIdentity, writes records and composite-key indexes; the writes, committed into the
 * in-memory state, are then read back by ReadRecord and by the paginated ListPatientRecords.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ChaincodeResult } from '../chaincode-types.js';
import { CcaasRuntime } from './ccaas-runtime.js';
import { REPO_ROOT, startChaincodeServer, type ChaincodeServer } from './chaincode-server.testkit.js';
import { MemoryState } from './memory-state.fake.js';
import { decodeRwSet, onlyNamespace, type DecodedNamespace } from './rwset-decode.testkit.js';
import { buildProposal, createTestIdentity, type TestIdentity } from './signed-proposal.testkit.js';

const CC = 'ehr';
const PACKAGE_ID = 'ehr_1.0:4c1d9e0b7a5f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d';

describe('CcaasRuntime running the EHR chaincode', function () {
  this.timeout(60_000);
  let server: ChaincodeServer;
  let runtime: CcaasRuntime;
  let provider: TestIdentity;
  let nobody: TestIdentity;
  const state = new MemoryState();

  before(async () => {
    const entry = path.join(REPO_ROOT, 'dist/chaincode/index.js');
    assert.ok(existsSync(entry), `${entry} is missing: run \`npx tsc -p .\` first`);
    provider = await createTestIdentity({ role: 'provider' }, 'dr-jones');
    nobody = await createTestIdentity({}, 'anonymous');
    server = await startChaincodeServer({
      modulePath: path.join(REPO_ROOT, 'chaincode'),
      packageId: PACKAGE_ID,
    });
    runtime = new CcaasRuntime();
    await runtime.connect(CC, PACKAGE_ID, server.address);
  });

  after(async () => {
    await runtime.close();
    await server.stop();
  });

  async function run(identity: TestIdentity, args: string[], readOnly = false): Promise<ChaincodeResult> {
    const proposal = await buildProposal(identity, { channelId: 'mychannel', chaincodeName: CC, args });
    return runtime.execute({
      channelId: 'mychannel',
      txId: proposal.txId,
      chaincodeName: CC,
      signedProposal: proposal.signedProposal,
      input: proposal.input,
      readOnly,
      state,
      timeoutMs: 30_000,
    });
  }

  /** What the committer would do with a valid transaction: apply its writes at (block, 0). */
  function commit(ns: DecodedNamespace, blockNum: number): void {
    for (const write of ns.writes) {
      assert.equal(write.isDelete, false);
      state.put(CC, write.key, write.value, { blockNum, txNum: 0 });
    }
  }

  const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }] };
  const observation = {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  };

  it('CreateRecords by a provider writes both records and their indexes, having read each key once', async () => {
    const result = await run(provider, ['CreateRecords', JSON.stringify([patient, observation])]);
    assert.equal(result.status, 200, result.message);
    const batch = JSON.parse(new TextDecoder().decode(result.payload)) as { counts: Record<string, number> };
    assert.deepEqual(batch.counts, { created: 2, unchanged: 0, conflict: 0, invalid: 0 });

    const ns = onlyNamespace(result.results);
    assert.equal(ns.namespace, CC);
    // Both keys were missing: reads without versions, sorted by key.
    assert.deepEqual(ns.reads, [{ key: 'Observation/o1' }, { key: 'Patient/p1' }]);
    assert.deepEqual(ns.ranges, []);
    const recordWrites = ns.writes.filter((write) => !write.key.startsWith('\u0000'));
    assert.deepEqual(
      recordWrites.map((write) => write.key),
      ['Observation/o1', 'Patient/p1'],
    );
    const stored = JSON.parse(recordWrites[1]?.value ?? '') as {
      resource: { id: string; meta: { versionId: string } };
    };
    assert.equal(stored.resource.id, 'p1');
    assert.equal(stored.resource.meta.versionId, '1');
    // Index entries are composite keys whose value is the record key they point to.
    const indexWrites = ns.writes.filter((write) => write.key.startsWith('\u0000'));
    assert.ok(indexWrites.length >= 2, `expected index writes, got ${JSON.stringify(ns.writes)}`);
    assert.ok(indexWrites.some((write) => write.key.startsWith('\u0000patient~type~id\u0000p1\u0000')));
    for (const write of indexWrites) assert.ok(['Observation/o1', 'Patient/p1'].includes(write.value));
    // Sorted by UTF-8 bytes: the \x00 composite keys first, then the record keys.
    const keys = ns.writes.map((write) => write.key);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    commit(ns, 1);
  });

  it('ReadRecord sees the committed record and records its version', async () => {
    const result = await run(provider, ['ReadRecord', 'Patient', 'p1'], true);
    assert.equal(result.status, 200, result.message);
    const record = JSON.parse(new TextDecoder().decode(result.payload)) as { resource: { name: unknown } };
    assert.deepEqual(record.resource.name, patient.name);
    assert.deepEqual(onlyNamespace(result.results).reads, [
      { key: 'Patient/p1', version: { blockNum: 1, txNum: 0 } },
    ]);
  });

  it("ListPatientRecords pages through the patient's composite-key index", async () => {
    const result = await run(provider, ['ListPatientRecords', 'p1', '', '10', ''], true);
    assert.equal(result.status, 200, result.message);
    const page = JSON.parse(new TextDecoder().decode(result.payload)) as {
      items: { resource: { resourceType: string; id: string } }[];
      bookmark: string;
    };
    assert.deepEqual(page.items.map((item) => `${item.resource.resourceType}/${item.resource.id}`).sort(), [
      'Observation/o1',
      'Patient/p1',
    ]);
    assert.equal(page.bookmark, '');
    const [range] = onlyNamespace(result.results).ranges;
    assert.equal(range?.startKey, '\u0000patient~type~id\u0000p1\u0000');
    assert.equal(range.itrExhausted, true);
    assert.equal(range.rawReads?.length, 2);
  });

  it('refuses CreateRecords to a caller without a role attribute (status 500, no writes)', async () => {
    const result = await run(nobody, ['CreateRecords', JSON.stringify([patient])]);
    assert.equal(result.status, 500);
    assert.match(result.message, /CreateRecords needs a certificate attribute role of provider or migrator/);
    assert.match(result.message, /FORBIDDEN/);
    assert.deepEqual(decodeRwSet(result.results).namespaces, []);
  });
});
