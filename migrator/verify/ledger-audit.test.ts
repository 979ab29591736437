import assert from 'node:assert/strict';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { canonicalJson, contentHash } from '../../common/canonical-json.js';
import type { FhirResource } from '../../common/fhir-resource.js';
import { stampRecord } from '../../chaincode/record-store.js';
import { BlockDecodeError, blockWrites } from './block-writes.js';
import { BlockReadError, readUpToHeight, type BlockStream } from './block-reader.js';
import { ExpectedSetLedger } from './expected-set.js';
import {
  applyBlock,
  cleanAuditCounts,
  compareWithLedger,
  emptyLedgerState,
  type LedgerState,
} from './ledger-audit.js';

interface TxSpec {
  txId: string;
  valid?: boolean;
  type?: common.HeaderTypeMap[keyof common.HeaderTypeMap];
  ns: Record<string, { key: string; value?: string }[]>;
}

function rwsetBytes(ns: TxSpec['ns']): Uint8Array {
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  for (const [namespace, writes] of Object.entries(ns)) {
    const kv = new ledger.rwset.kvrwset.KVRWSet();
    kv.setWritesList(
      writes.map(({ key, value }) => {
        const write = new ledger.rwset.kvrwset.KVWrite();
        write.setKey(key);
        if (value === undefined) write.setIsDelete(true);
        else write.setValue(Buffer.from(value));
        return write;
      }),
    );
    const nsRwset = new ledger.rwset.NsReadWriteSet();
    nsRwset.setNamespace(namespace);
    nsRwset.setRwset(kv.serializeBinary());
    rwset.addNsRwset(nsRwset);
  }
  return rwset.serializeBinary();
}

function envelope(tx: TxSpec): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(tx.type ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(tx.txId);
  channelHeader.setChannelId('mychannel');
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResults(rwsetBytes(tx.ns));
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsedAction);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.addActions(action);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.type === undefined ? transaction.serializeBinary() : Buffer.from('config'));
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return env.serializeBinary();
}

function block(number: number, txs: TxSpec[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const data = new common.BlockData();
  data.setDataList(txs.map(envelope));
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(txs.map((tx) => (tx.valid === false ? 11 : 0)));
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), filter, new Uint8Array(), new Uint8Array()]);
  const out = new common.Block();
  out.setHeader(header);
  out.setData(data);
  out.setMetadata(metadata);
  return out;
}

const patient = (id: string, family: string): FhirResource => ({
  resourceType: 'Patient',
  id,
  name: [{ family }],
});
const stored = (resource: FhirResource, version = '1') =>
  stampRecord(resource, contentHash(resource), version, '2026-01-01T00:00:00Z').json;
const hashOf = (resource: FhirResource) => contentHash(resource);
const INDEX_KEY = '\u0000patient~type~id\u0000p1\u0000Patient\u0000p1\u0000';

function stateOf(...blocks: common.Block[]): LedgerState {
  const state = emptyLedgerState();
  for (const b of blocks) applyBlock(state, blockWrites(b, 'ehr'));
  return state;
}

describe('migrate verify: block decoding', () => {
  it('keeps the writes of valid endorser transactions in the namespace, in order, and skips the rest', () => {
    const decoded = blockWrites(
      block(7, [
        { txId: 'cfg', type: common.HeaderType.CONFIG, ns: {} },
        {
          txId: 'a',
          ns: {
            ehr: [
              { key: 'Patient/p1', value: stored(patient('p1', 'A')) },
              { key: INDEX_KEY, value: 'Patient/p1' },
            ],
          },
        },
        {
          txId: 'bad',
          valid: false,
          ns: { ehr: [{ key: 'Patient/p2', value: stored(patient('p2', 'B')) }] },
        },
        { txId: 'life', ns: { _lifecycle: [{ key: 'namespaces/fields/ehr/Sequence', value: 'x' }] } },
        { txId: 'del', ns: { ehr: [{ key: 'Patient/p3' }] } },
      ]),
      'ehr',
    );
    assert.equal(decoded.blockNumber, 7n);
    assert.equal(decoded.transactions, 4);
    assert.equal(decoded.invalidTransactions, 1);
    assert.deepEqual(
      decoded.valid.map((tx) => [tx.txId, tx.writes.map((w) => [w.key, w.isDelete])]),
      [
        [
          'a',
          [
            ['Patient/p1', false],
            [INDEX_KEY, false],
          ],
        ],
        ['del', [['Patient/p3', true]]],
      ],
    );
  });

  it('refuses a block whose TRANSACTIONS_FILTER has no entry for a transaction', () => {
    const b = block(3, [{ txId: 'a', ns: { ehr: [] } }]);
    b.getMetadata()?.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array()]);
    assert.throws(
      () => blockWrites(b, 'ehr'),
      (error: unknown) => {
        assert.ok(error instanceof BlockDecodeError);
        assert.equal(error.code, 'BLOCK_DECODE_FAILED');
        assert.match(error.message, /block 3 transaction 0 has no entry in the TRANSACTIONS_FILTER/);
        return true;
      },
    );
  });

  it('refuses bytes that are not an envelope, naming the block and transaction', () => {
    const b = block(4, []);
    b.getData()?.setDataList([Uint8Array.from([0xff, 0xff, 0xff])]);
    b.getMetadata()?.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.from([0])]);
    assert.throws(() => blockWrites(b, 'ehr'), /block 4 transaction 0 cannot be decoded/);
  });
});

describe('migrate verify: comparison', () => {
  const p1 = patient('p1', 'A');
  const p2 = patient('p2', 'B');
  const p2changed = patient('p2', 'B2');

  it('matches when the ledger holds exactly the expected records; index keys and other namespaces do not count', () => {
    const state = stateOf(
      block(1, [
        {
          txId: 't1',
          ns: {
            ehr: [
              { key: 'Patient/p1', value: stored(p1) },
              { key: INDEX_KEY, value: 'Patient/p1' },
            ],
          },
        },
      ]),
      block(2, [
        {
          txId: 't2',
          ns: { ehr: [{ key: 'Patient/p2', value: stored(p2) }], other: [{ key: 'Patient/x', value: 'y' }] },
        },
      ]),
    );
    const result = compareWithLedger(
      new Map([
        ['Patient/p1', hashOf(p1)],
        ['Patient/p2', hashOf(p2)],
      ]),
      state,
    );
    assert.equal(result.match, true);
    assert.deepEqual(result.counts, cleanAuditCounts(2));
    assert.deepEqual(result.ledger, {
      blocks: 2,
      transactions: 2,
      invalidTransactions: 0,
      writingTransactions: 2,
    });
    assert.deepEqual(result.differences, []);
  });

  it('reports missing, different, unexpected and damaged records, and counts rewritten keys; invalid writes never count', () => {
    const damaged = stored(patient('p9', 'Z')).replace('"Z"', '"Y"');
    const state = stateOf(
      block(1, [
        { txId: 't1', ns: { ehr: [{ key: 'Patient/p2', value: stored(p2) }] } },
        { txId: 'bad', valid: false, ns: { ehr: [{ key: 'Patient/p1', value: stored(p1) }] } },
      ]),
      block(2, [
        { txId: 't2', ns: { ehr: [{ key: 'Patient/p2', value: stored(p2changed, '2') }] } },
        { txId: 't3', ns: { ehr: [{ key: 'Patient/extra', value: stored(patient('extra', 'E')) }] } },
        { txId: 't4', ns: { ehr: [{ key: 'Patient/p9', value: damaged }] } },
      ]),
    );
    const result = compareWithLedger(
      new Map([
        ['Patient/p1', hashOf(p1)],
        ['Patient/p2', hashOf(p2)],
        ['Patient/p9', hashOf(patient('p9', 'Z'))],
      ]),
      state,
    );
    assert.equal(result.match, false);
    assert.deepEqual(
      { ...result.counts },
      {
        expected: 3,
        onLedger: 3,
        matching: 0,
        missing: 1,
        hashMismatch: 1,
        unexpected: 1,
        damaged: 1,
        rewritten: 1,
        deletedOnLedger: 0,
      },
    );
    assert.deepEqual(
      result.differences.map((d) => [d.kind, d.key, d.txId ?? null]),
      [
        ['missing', 'Patient/p1', null],
        ['hash-mismatch', 'Patient/p2', 't2'],
        ['unexpected', 'Patient/extra', 't3'],
        ['damaged', 'Patient/p9', 't4'],
      ],
    );
    const different = result.differences.find((d) => d.kind === 'hash-mismatch');
    assert.deepEqual([different?.ledgerHash, different?.expectedHash], [hashOf(p2changed), hashOf(p2)]);
  });

  it('counts a record deleted on the ledger as missing, and the latest write wins', () => {
    const state = stateOf(
      block(1, [{ txId: 't1', ns: { ehr: [{ key: 'Patient/p1', value: stored(p1) }] } }]),
      block(2, [{ txId: 't2', ns: { ehr: [{ key: 'Patient/p1' }] } }]),
    );
    const result = compareWithLedger(new Map([['Patient/p1', hashOf(p1)]]), state);
    assert.deepEqual(
      [result.counts.missing, result.counts.deletedOnLedger, result.counts.rewritten],
      [1, 1, 1],
    );
  });
});

describe('migrate verify: the expected-set ledger', () => {
  it("answers CreateRecords with the contract's rule (created, unchanged, conflict, invalid) and keeps the first content", async () => {
    const expected = new ExpectedSetLedger();
    const first = await expected.createRecordsJson([
      canonicalJson(patient('p1', 'A')),
      canonicalJson(patient('p1', 'A')),
      canonicalJson(patient('p1', 'B')),
      canonicalJson({ resourceType: 'Patient' }),
    ]);
    assert.deepEqual(first.value.counts, { created: 1, unchanged: 1, conflict: 1, invalid: 1 });
    // A later batch sees what earlier ones stored, as the ledger would.
    const second = await expected.createRecordsJson([canonicalJson(patient('p1', 'B'))]);
    assert.deepEqual(second.value.counts, { created: 0, unchanged: 0, conflict: 1, invalid: 0 });
    assert.deepEqual([...expected.hashes()], [['Patient/p1', hashOf(patient('p1', 'A'))]]);
  });
});

describe('migrate verify: reading blocks up to the height fixed at the start', () => {
  function streamOf(blocks: common.Block[], thenHang: boolean): BlockStream & { closed: boolean } {
    const s = {
      closed: false,
      close() {
        s.closed = true;
      },
      async *[Symbol.asyncIterator]() {
        for (const b of blocks) yield await Promise.resolve(b);
        if (thenHang) await new Promise(() => undefined);
      },
    };
    return s;
  }

  it('reads blocks 0 … height-1, not one more though the peer has it, and closes the stream', async () => {
    const stream = streamOf([block(0, []), block(1, []), block(2, []), block(3, [])], true);
    const seen: number[] = [];
    const count = await readUpToHeight(stream, 3n, 5000, (b) => {
      seen.push(b.getHeader()?.getNumber() ?? -1);
    });
    assert.equal(count, 3);
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(stream.closed, true);
  });

  it('fails with LEDGER_READ_FAILED when the stream ends early, skips a block, or is too slow', async () => {
    const cases: [BlockStream, RegExp][] = [
      [streamOf([block(0, [])], false), /block stream ended after 1 of 2 blocks/],
      [streamOf([block(0, []), block(2, [])], false), /expected block 1, the peer sent block 2/],
      [streamOf([block(0, [])], true), /read 1 of 2 blocks in 100 ms \(--timeout-ms\)/],
    ];
    for (const [stream, message] of cases) {
      await assert.rejects(
        readUpToHeight(stream, 2n, 100, () => undefined),
        (error: unknown) => {
          assert.ok(error instanceof BlockReadError);
          assert.equal(error.code, 'LEDGER_READ_FAILED');
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});
