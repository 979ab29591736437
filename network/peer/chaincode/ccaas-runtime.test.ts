/**
 * The peer side of the shim against the real fabric-shim 2.5.8: a fabric-contract-api contract
 * (fixtures/test-contract) served by `fabric-chaincode-node server` in a child process, dialled by CcaasRuntime.
 * State comes from an in-memory StateReader; every rwset is decoded and compared whole.
 */
import assert from 'node:assert/strict';
import { ledger, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeResult } from '../chaincode-types.js';
import { ChaincodeUnavailableError } from '../chaincode-types.js';
import { CcaasRuntime } from './ccaas-runtime.js';
import { startChaincodeServer, TEST_CONTRACT_DIR, type ChaincodeServer } from './chaincode-server.testkit.js';
import { MemoryState } from './memory-state.fake.js';
import { decodeRwSet, onlyNamespace, type DecodedRead } from './rwset-decode.testkit.js';
import { ChaincodeShimError } from './shim-error.js';
import { buildProposal, createTestIdentity, type TestIdentity } from './signed-proposal.testkit.js';

const CC = 'shimtest';
const CHANNEL = 'mychannel';
const PACKAGE_ID = 'shimtest:7f3a0c1e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';

function key(i: number, prefix = 'k'): string {
  return `${prefix}${String(i).padStart(4, '0')}`;
}

describe('CcaasRuntime against fabric-shim 2.5.8 (test contract)', function () {
  this.timeout(60_000);
  let server: ChaincodeServer;
  let runtime: CcaasRuntime;
  let identity: TestIdentity;
  const warnings: string[] = [];

  before(async () => {
    identity = await createTestIdentity({ role: 'provider' });
    server = await startChaincodeServer({ modulePath: TEST_CONTRACT_DIR, packageId: PACKAGE_ID });
    runtime = new CcaasRuntime({ onWarning: (message) => warnings.push(message) });
    await runtime.connect(CC, PACKAGE_ID, server.address);
  });

  after(async () => {
    await runtime.close();
    await server.stop();
  });

  async function run(
    state: MemoryState,
    args: string[],
    options: { timeoutMs?: number; readOnly?: boolean; input?: Uint8Array } = {},
  ): Promise<ChaincodeResult & { txId: string }> {
    const proposal = await buildProposal(identity, { channelId: CHANNEL, chaincodeName: CC, args });
    const result = await runtime.execute({
      channelId: CHANNEL,
      txId: proposal.txId,
      chaincodeName: CC,
      signedProposal: proposal.signedProposal,
      input: options.input ?? proposal.input,
      readOnly: options.readOnly ?? false,
      state,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    return { ...result, txId: proposal.txId };
  }

  function text(bytes: Uint8Array): string {
    return new TextDecoder().decode(bytes);
  }

  function filled(count: number, prefix = 'k'): MemoryState {
    const state = new MemoryState();
    for (let i = 0; i < count; i++) state.put(CC, key(i, prefix), String(i), { blockNum: 2, txNum: i });
    // Neighbours outside every queried range, and another chaincode's namespace with the same keys.
    state.put(CC, 'a-before', 'x', { blockNum: 1, txNum: 0 });
    state.put(CC, 'z-after', 'x', { blockNum: 1, txNum: 1 });
    state.put('othercc', key(0, prefix), 'other', { blockNum: 1, txNum: 2 });
    return state;
  }

  function rawReads(from: number, to: number, prefix = 'k'): DecodedRead[] {
    const reads: DecodedRead[] = [];
    for (let i = from; i < to; i++) reads.push({ key: key(i, prefix), version: { blockNum: 2, txNum: i } });
    return reads;
  }

  it('puts a key: status 200, one write, no reads', async () => {
    const result = await run(new MemoryState(), ['put', 'k1', 'v1']);
    assert.equal(result.status, 200);
    assert.equal(text(result.payload), 'ok');
    assert.equal(result.event, undefined);
    const rwset = decodeRwSet(result.results);
    assert.equal(rwset.dataModel, ledger.rwset.TxReadWriteSet.DataModel.KV);
    assert.deepEqual(rwset.namespaces, [
      {
        namespace: CC,
        reads: [],
        ranges: [],
        writes: [{ key: 'k1', isDelete: false, value: 'v1' }],
        metadataWrites: [],
      },
    ]);
  });

  it('gets a committed key with its version, and a missing key without one', async () => {
    const state = new MemoryState();
    state.put(CC, 'k1', 'committed', { blockNum: 3, txNum: 1 });
    const found = await run(state, ['get', 'k1']);
    assert.equal(text(found.payload), 'committed');
    assert.deepEqual(onlyNamespace(found.results).reads, [{ key: 'k1', version: { blockNum: 3, txNum: 1 } }]);

    const missing = await run(state, ['get', 'nope']);
    assert.equal(found.status, 200);
    assert.equal(text(missing.payload), '');
    assert.deepEqual(onlyNamespace(missing.results).reads, [{ key: 'nope' }]);
  });

  it('does not show a transaction its own writes (Fabric has no read-your-writes)', async () => {
    const state = new MemoryState();
    state.put(CC, 'k1', 'old', { blockNum: 4, txNum: 0 });
    const result = await run(state, ['putThenGet', 'k1', 'new']);
    assert.equal(text(result.payload), 'old');
    const ns = onlyNamespace(result.results);
    assert.deepEqual(ns.reads, [{ key: 'k1', version: { blockNum: 4, txNum: 0 } }]);
    assert.deepEqual(ns.writes, [{ key: 'k1', isDelete: false, value: 'new' }]);
  });

  it('records a delete as is_delete with an empty value; the last write to a key wins', async () => {
    const deleted = await run(new MemoryState(), ['del', 'k1']);
    assert.deepEqual(onlyNamespace(deleted.results).writes, [{ key: 'k1', isDelete: true, value: '' }]);

    const many = await run(new MemoryState(), ['putMany', 'w', '3']);
    assert.deepEqual(onlyNamespace(many.results).writes, [
      { key: 'w0000', isDelete: false, value: '0' },
      { key: 'w0001', isDelete: false, value: '1' },
      { key: 'w0002', isDelete: false, value: '2' },
    ]);
  });

  for (const count of [0, 1, 99, 100, 101, 200, 250]) {
    it(`scans a range of ${count} rows across batches of at most 100 and records the whole scan`, async () => {
      const state = filled(count);
      const result = await run(state, ['range', 'k', 'k~']);
      assert.equal(result.status, 200, result.message);
      const rows = JSON.parse(text(result.payload)) as { key: string; value: string }[];
      assert.deepEqual(
        rows.map((row) => row.key),
        rawReads(0, count).map((read) => read.key),
      );
      const ns = onlyNamespace(result.results);
      assert.deepEqual(ns.reads, []);
      assert.deepEqual(ns.ranges, [
        {
          startKey: 'k',
          endKey: 'k~',
          itrExhausted: true,
          ...(count === 0 ? {} : { rawReads: rawReads(0, count) }),
        },
      ]);
      assert.equal(state.openIterators, 0);
    });
  }

  it('records a range read only as far as the peer scanned (first batch plus the buffered row)', async () => {
    const state = filled(250);
    const result = await run(state, ['rangeFirst', 'k', 'k~', '3']);
    assert.deepEqual(JSON.parse(text(result.payload)), [key(0), key(1), key(2)]);
    assert.deepEqual(onlyNamespace(result.results).ranges, [
      { startKey: 'k', endKey: key(100), itrExhausted: false, rawReads: rawReads(0, 101) },
    ]);
    assert.equal(state.openIterators, 0);
  });

  it('scans an open range ("" start arrives as \\x01, "" end is unbounded) and skips composite keys', async () => {
    const state = filled(2);
    state.put(CC, '\u0000color\u0000red\u0000', 'composite', { blockNum: 1, txNum: 3 });
    const result = await run(state, ['range', '', '']);
    assert.deepEqual(
      (JSON.parse(text(result.payload)) as { key: string }[]).map((row) => row.key),
      ['a-before', key(0), key(1), 'z-after'],
    );
    const [range] = onlyNamespace(result.results).ranges;
    assert.equal(range?.startKey, '\u0001');
    assert.equal(range.endKey, '');
    assert.equal(range.itrExhausted, true);
  });

  it('orders range results by UTF-8 bytes, not UTF-16 code units', async () => {
    const state = new MemoryState();
    state.put(CC, 'u\u{1F600}', 'emoji', { blockNum: 1, txNum: 0 });
    state.put(CC, 'u\uFF21', 'fullwidth A', { blockNum: 1, txNum: 1 });
    const result = await run(state, ['range', 'u', 'v']);
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: the fullwidth letter comes first.
    assert.deepEqual(
      (JSON.parse(text(result.payload)) as { key: string }[]).map((row) => row.key),
      ['u\uFF21', 'u\u{1F600}'],
    );
  });

  it('paginates a range: pages from the bookmark, next key as bookmark, one range info per page', async () => {
    const state = filled(25);
    const first = await run(state, ['rangePage', 'k', 'k~', '10', ''], { readOnly: true });
    assert.deepEqual(JSON.parse(text(first.payload)), {
      keys: rawReads(0, 10).map((read) => read.key),
      bookmark: key(10),
      fetched: 10,
    });
    assert.deepEqual(onlyNamespace(first.results).ranges, [
      { startKey: 'k', endKey: key(9), itrExhausted: false, rawReads: rawReads(0, 10) },
    ]);

    const last = await run(state, ['rangePage', 'k', 'k~', '10', key(20)], { readOnly: true });
    assert.deepEqual(JSON.parse(text(last.payload)), {
      keys: rawReads(20, 25).map((read) => read.key),
      bookmark: '',
      fetched: 5,
    });
    assert.deepEqual(onlyNamespace(last.results).ranges, [
      { startKey: key(20), endKey: 'k~', itrExhausted: true, rawReads: rawReads(20, 25) },
    ]);
    assert.equal(state.openIterators, 0);
  });

  it('answers a page larger than 100 rows in one response, and a page of exactly 100', async () => {
    const state = filled(250);
    const big = await run(state, ['rangePage', 'k', 'k~', '150', '']);
    assert.deepEqual(JSON.parse(text(big.payload)), {
      keys: rawReads(0, 150).map((read) => read.key),
      bookmark: key(150),
      fetched: 150,
    });
    const hundred = await run(state, ['rangePage', 'k', 'k~', '100', key(150)]);
    assert.deepEqual(JSON.parse(text(hundred.payload)), {
      keys: rawReads(150, 250).map((read) => read.key),
      bookmark: '',
      fetched: 100,
    });
    // All 100 rows were produced but the scan never saw its end: Fabric records it as not exhausted.
    assert.deepEqual(onlyNamespace(hundred.results).ranges, [
      { startKey: key(150), endKey: key(249), itrExhausted: false, rawReads: rawReads(150, 250) },
    ]);
  });

  it('writes and queries composite keys; a partial key query is a range up to U+10FFFF', async () => {
    const written = await run(new MemoryState(), ['putComposite', 'color', 'red', 'car1', 'v']);
    assert.deepEqual(onlyNamespace(written.results).writes, [
      { key: '\u0000color\u0000red\u0000car1\u0000', isDelete: false, value: 'v' },
    ]);

    const state = new MemoryState();
    state.put(CC, '\u0000color\u0000blue\u0000car3\u0000', 'b3', { blockNum: 5, txNum: 0 });
    state.put(CC, '\u0000color\u0000red\u0000car1\u0000', 'r1', { blockNum: 5, txNum: 1 });
    state.put(CC, '\u0000color\u0000red\u0000car2\u0000', 'r2', { blockNum: 5, txNum: 2 });
    state.put(CC, '\u0000colour\u0000red\u0000car9\u0000', 'other type', { blockNum: 5, txNum: 3 });
    const result = await run(state, ['partial', 'color', 'red']);
    assert.deepEqual(JSON.parse(text(result.payload)), [
      { objectType: 'color', attributes: ['red', 'car1'], value: 'r1' },
      { objectType: 'color', attributes: ['red', 'car2'], value: 'r2' },
    ]);
    const prefix = '\u0000color\u0000red\u0000';
    assert.deepEqual(onlyNamespace(result.results).ranges, [
      {
        startKey: prefix,
        endKey: `${prefix}\u{10FFFF}`,
        itrExhausted: true,
        rawReads: [
          { key: `${prefix}car1\u0000`, version: { blockNum: 5, txNum: 1 } },
          { key: `${prefix}car2\u0000`, version: { blockNum: 5, txNum: 2 } },
        ],
      },
    ]);

    const page = await run(state, ['partialPage', 'color', 'red', '1', '']);
    assert.deepEqual(JSON.parse(text(page.payload)), {
      keys: [`${prefix}car1\u0000`],
      bookmark: `${prefix}car2\u0000`,
    });
  });

  it('answers history newest first with timestamps, across batches, and records no reads', async () => {
    const state = new MemoryState();
    const entries = Array.from({ length: 130 }, (_, i) => ({
      txId: `tx${129 - i}`,
      value: new TextEncoder().encode(i === 1 ? '' : `v${129 - i}`),
      isDelete: i === 1,
      timestamp: { seconds: 1_767_225_600 + 129 - i, nanos: 1000 * i },
      blockNum: 129 - i,
      txNum: 0,
    }));
    state.setHistory(CC, 'h', entries);
    const result = await run(state, ['history', 'h']);
    assert.equal(result.status, 200, result.message);
    assert.deepEqual(
      JSON.parse(text(result.payload)),
      entries.map((entry) => ({
        txId: entry.txId,
        value: text(entry.value),
        isDelete: entry.isDelete,
        seconds: entry.timestamp.seconds,
        nanos: entry.timestamp.nanos,
      })),
    );
    assert.deepEqual(decodeRwSet(result.results).namespaces, []);
    assert.equal(state.openIterators, 0);
  });

  it('writes and reads key-level metadata (the validation parameter)', async () => {
    const written = await run(new MemoryState(), ['setPolicy', 'k1', 'policy-bytes']);
    const ns = onlyNamespace(written.results);
    assert.deepEqual(ns.metadataWrites, [
      { key: 'k1', entries: [{ name: 'VALIDATION_PARAMETER', value: 'policy-bytes' }] },
    ]);
    assert.deepEqual(ns.writes, []);

    const state = new MemoryState();
    state.put(
      CC,
      'k1',
      'v',
      { blockNum: 6, txNum: 2 },
      { VALIDATION_PARAMETER: new TextEncoder().encode('stored') },
    );
    const read = await run(state, ['getPolicy', 'k1']);
    assert.equal(text(read.payload), 'stored');
    assert.deepEqual(onlyNamespace(read.results).reads, [{ key: 'k1', version: { blockNum: 6, txNum: 2 } }]);
  });

  it('returns the chaincode event with chaincode_id and tx_id set by the peer', async () => {
    const result = await run(new MemoryState(), ['emit', 'RecordCreated', '{"id":"p1"}']);
    assert.equal(text(result.payload), 'emitted');
    assert.ok(result.event !== undefined);
    const event = peer.ChaincodeEvent.deserializeBinary(result.event);
    assert.equal(event.getChaincodeId(), CC);
    assert.equal(event.getTxId(), result.txId);
    assert.equal(event.getEventName(), 'RecordCreated');
    assert.equal(text(event.getPayload_asU8()), '{"id":"p1"}');
  });

  it("turns an error thrown by the contract into the shim's status 500 response", async () => {
    const result = await run(new MemoryState(), ['fail', 'record p1 is not valid']);
    assert.equal(result.status, 500);
    assert.equal(result.message, 'record p1 is not valid');
    assert.equal(result.payload.length, 0);
  });

  it("turns an ERROR message from the shim into status 500 with Fabric's endorser text", async () => {
    // Input bytes that are not a ChaincodeInput make fabric-shim answer ERROR instead of COMPLETED.
    const result = await run(new MemoryState(), ['get', 'k'], { input: Uint8Array.of(0x0a, 0x05, 0x01) });
    assert.equal(result.status, 500);
    // fabric-shim 2.5.8 echoes the undecodable payload as the ERROR text.
    assert.equal(result.message, 'error in simulation: transaction returned with failure: \n\u0005\u0001');
  });

  it("shows the contract the caller's certificate attributes, MSP, txid and timestamp", async () => {
    const result = await run(new MemoryState(), ['whoami']);
    const who = JSON.parse(text(result.payload)) as Record<string, unknown>;
    assert.equal(who.mspId, 'Org1MSP');
    assert.equal(who.role, 'provider');
    assert.equal(who.txId, result.txId);
    assert.equal(who.channel, CHANNEL);
    assert.equal(typeof who.seconds, 'number');
  });

  const refusals: [string, (txId: string) => string][] = [
    [
      'richQuery',
      (txId) => `GET_QUERY_RESULT failed: transaction ID: ${txId}: ExecuteQuery not supported for leveldb`,
    ],
    [
      'privateData',
      (txId) =>
        `GET_STATE failed: transaction ID: ${txId}: collection ${CHANNEL}/${CC}/secrets could not be found`,
    ],
    [
      'invoke',
      (txId) =>
        `INVOKE_CHAINCODE failed: transaction ID: ${txId}: execute failed: chaincode-to-chaincode invocation of "other" on channel mychannel is not supported by fabric-devnet`,
    ],
    [
      'pageAfterWrite',
      (txId) =>
        `GET_STATE_BY_RANGE failed: transaction ID: ${txId}: txid [${txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`,
    ],
    [
      'writeAfterPage',
      (txId) =>
        `PUT_STATE failed: transaction ID: ${txId}: txid [${txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
    ],
  ];
  for (const [what, expected] of refusals) {
    it(`refuses ${what} with Fabric's message`, async () => {
      const result = await run(filled(3), ['refused', what]);
      assert.equal(result.status, 200);
      assert.equal(text(result.payload), expected(result.txId));
    });
  }

  it('simulates an evaluate (readOnly) like Fabric: writes are recorded, nothing refuses them', async () => {
    const result = await run(new MemoryState(), ['put', 'k1', 'v1'], { readOnly: true });
    assert.equal(result.status, 200);
    assert.deepEqual(onlyNamespace(result.results).writes, [{ key: 'k1', isDelete: false, value: 'v1' }]);
  });

  it('routes 60 interleaved transactions on one stream by txid', async () => {
    const state = filled(150);
    const calls = Array.from({ length: 60 }, (_, i) => {
      if (i % 3 === 0) return run(state, ['get', key(i)]).then((r) => ({ i, r }));
      if (i % 3 === 1) return run(state, ['put', `p${i}`, `v${i}`]).then((r) => ({ i, r }));
      return run(state, ['range', key(i), key(i + 120)]).then((r) => ({ i, r }));
    });
    for (const { i, r } of await Promise.all(calls)) {
      const ns = onlyNamespace(r.results);
      if (i % 3 === 0) {
        assert.equal(text(r.payload), String(i));
        assert.deepEqual(ns.reads, [{ key: key(i), version: { blockNum: 2, txNum: i } }]);
      } else if (i % 3 === 1) {
        assert.deepEqual(ns.writes, [{ key: `p${i}`, isDelete: false, value: `v${i}` }]);
      } else {
        const end = Math.min(i + 120, 150);
        assert.equal((JSON.parse(text(r.payload)) as unknown[]).length, end - i);
        assert.deepEqual(ns.ranges[0]?.rawReads, rawReads(i, end));
      }
    }
  });

  it('fails a transaction that outlives its timeout and ignores its late messages', async () => {
    const slow = run(new MemoryState(), ['slow', '1500'], { timeoutMs: 300 });
    await assert.rejects(slow, (error: unknown) => {
      assert.ok(error instanceof ChaincodeShimError);
      assert.ok(error instanceof ChaincodeUnavailableError);
      assert.equal(error.code, 'EXECUTION_TIMEOUT');
      assert.match(error.message, /timeout expired while executing transaction$/);
      return true;
    });
    // The slow transaction's PUT_STATE arrives after its context is gone and gets "no ledger context"; the
    // stream stays usable.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await run(new MemoryState(), ['put', 'k', 'v']);
    assert.equal(after.status, 200);
  });

  it('refuses a second execution of the same (channel, txid) while the first runs', async () => {
    const proposal = await buildProposal(identity, {
      channelId: CHANNEL,
      chaincodeName: CC,
      args: ['slow', '300'],
    });
    const invocation = {
      channelId: CHANNEL,
      txId: proposal.txId,
      chaincodeName: CC,
      signedProposal: proposal.signedProposal,
      input: proposal.input,
      readOnly: false,
      state: new MemoryState(),
      timeoutMs: 10_000,
    };
    const first = runtime.execute(invocation);
    await assert.rejects(runtime.execute(invocation), { code: 'DUPLICATE_TXID' });
    assert.equal((await first).status, 200);
  });

  it('has logged no protocol warnings', () => {
    assert.deepEqual(warnings, []);
  });
});
