/** The rwset encoding on its own: ordering, one entry per key, range-info dedup and Fabric's unset reads_info. */
import assert from 'node:assert/strict';
import { ledger } from '@hyperledger/fabric-protos';
import { appendBytes, timestampField } from './protobuf-timestamp.js';
import { RwSetBuilder } from './rwset-builder.js';
import { decodeRwSet, onlyNamespace } from './rwset-decode.testkit.js';

describe('RwSetBuilder', () => {
  it('encodes an untouched simulation as a KV TxReadWriteSet without namespaces', () => {
    const bytes = new RwSetBuilder('cc').build();
    assert.deepEqual(decodeRwSet(bytes), {
      dataModel: ledger.rwset.TxReadWriteSet.DataModel.KV,
      namespaces: [],
    });
  });

  it('keeps one entry per key, the last one, sorted by UTF-8 bytes', () => {
    const builder = new RwSetBuilder('cc');
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    builder.addWrite('u\u{1F600}', bytes('emoji'));
    builder.addWrite('u\uFF21', bytes('first'));
    builder.addWrite('u\uFF21', bytes('second'));
    builder.addWrite('a', new Uint8Array());
    builder.addRead('b', { blockNum: 1, txNum: 2 });
    builder.addRead('a', undefined);
    builder.addMetadataWrite(
      'm',
      new Map([
        ['z', bytes('1')],
        ['VALIDATION_PARAMETER', bytes('2')],
      ]),
    );
    builder.addMetadataWrite('m', new Map([['VALIDATION_PARAMETER', bytes('3')]]));
    const ns = onlyNamespace(builder.build());
    assert.deepEqual(ns.reads, [{ key: 'a' }, { key: 'b', version: { blockNum: 1, txNum: 2 } }]);
    assert.deepEqual(ns.writes, [
      { key: 'a', isDelete: true, value: '' },
      { key: 'u\uFF21', isDelete: false, value: 'second' },
      { key: 'u\u{1F600}', isDelete: false, value: 'emoji' },
    ]);
    assert.deepEqual(ns.metadataWrites, [
      { key: 'm', entries: [{ name: 'VALIDATION_PARAMETER', value: '3' }] },
    ]);
  });

  it('keeps range infos in opening order, drops exact duplicates, and leaves reads_info unset for empty scans', () => {
    const builder = new RwSetBuilder('cc');
    builder.addRangeQuery({ startKey: 'b', endKey: 'c', itrExhausted: true, rawReads: [] });
    builder.addRangeQuery({
      startKey: 'a',
      endKey: 'a2',
      itrExhausted: false,
      rawReads: [{ key: 'a2', version: { blockNum: 3, txNum: 0 } }],
    });
    builder.addRangeQuery({ startKey: 'b', endKey: 'c', itrExhausted: true, rawReads: [] });
    assert.deepEqual(onlyNamespace(builder.build()).ranges, [
      { startKey: 'b', endKey: 'c', itrExhausted: true },
      {
        startKey: 'a',
        endKey: 'a2',
        itrExhausted: false,
        rawReads: [{ key: 'a2', version: { blockNum: 3, txNum: 0 } }],
      },
    ]);
  });

  it('builds the same bytes from the same operations in another order', () => {
    const one = new RwSetBuilder('cc');
    const two = new RwSetBuilder('cc');
    const value = new TextEncoder().encode('v');
    one.addWrite('x', value);
    one.addWrite('y', value);
    one.addRead('r', { blockNum: 9, txNum: 1 });
    two.addRead('r', { blockNum: 9, txNum: 1 });
    two.addWrite('y', value);
    two.addWrite('x', value);
    assert.deepEqual(one.build(), two.build());
  });
});

describe('timestampField', () => {
  it('appends a Timestamp that google-protobuf decodes, including large seconds and zero fields', () => {
    for (const timestamp of [
      { seconds: 1_767_225_600, nanos: 999_999_999 },
      { seconds: 2 ** 40, nanos: 0 },
      { seconds: 0, nanos: 1 },
    ]) {
      const modification = new ledger.queryresult.KeyModification();
      modification.setTxId('tx');
      const bytes = appendBytes(modification.serializeBinary(), timestampField(3, timestamp));
      const decoded = ledger.queryresult.KeyModification.deserializeBinary(bytes);
      assert.equal(decoded.getTxId(), 'tx');
      const decodedTimestamp = decoded.getTimestamp() as
        { getSeconds(): number; getNanos(): number } | undefined;
      assert.equal(decodedTimestamp?.getSeconds(), timestamp.seconds);
      assert.equal(decodedTimestamp.getNanos(), timestamp.nanos);
    }
  });

  it('refuses negative or unsafe seconds', () => {
    assert.throws(() => timestampField(3, { seconds: -1, nanos: 0 }), RangeError);
    assert.throws(() => timestampField(3, { seconds: 2 ** 60, nanos: 0 }), RangeError);
  });
});
