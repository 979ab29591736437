import assert from 'node:assert/strict';
import { buildEndorserTx, type NsSpec } from './test-envelopes.fake.js';
import { TestLedger } from './test-ledger.fake.js';
import type { HistoryEntry, StateEntry } from './types.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('world state reads (ranges by UTF-8 bytes, history, metadata)', () => {
  let t: TestLedger;
  let put: (...rwset: NsSpec[]) => Promise<string>;

  beforeEach(async () => {
    t = await TestLedger.create();
    put = async (...rwset) => {
      const tx = buildEndorserTx({ creator: t.ids.client, endorsers: [t.ids.peer1, t.ids.peer2], rwset });
      const block = await t.commit([tx.envelope]);
      assert.equal(block.transactions[0]?.code, 0);
      return tx.txId;
    };
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('orders range results by UTF-8 bytes, not UTF-16 units, and keeps namespaces apart', async () => {
    // UTF-16 order would be: '\u0000…' < 'Z' < 'a' < 'z' < 'é' < '\u{10FFFF}' (surrogates) < '\uFFFD'.
    // UTF-8 order puts U+FFFD (EF BF BD) before U+10FFFF (F4 8F BF BF).
    const keys = [
      'z',
      '\u{10FFFF}',
      'a',
      '\uFFFD',
      '\u00e9',
      'Z',
      '\u0000idx\u0000b\u0000',
      '\u0000idx\u0000a\u0000',
    ];
    await put(
      { namespace: 'basic', writes: keys.map((key) => ({ key, value: key })) },
      { namespace: 'both', writes: [{ key: 'a', value: 'other namespace' }] },
    );
    const all = (await collect(t.ledger.getStateRange('basic', '', ''))).map((e) => e.key);
    assert.deepEqual(all, [
      '\u0000idx\u0000a\u0000',
      '\u0000idx\u0000b\u0000',
      'Z',
      'a',
      'z',
      '\u00e9',
      '\uFFFD',
      '\u{10FFFF}',
    ]);
    // The shim's empty start key arrives as "\x01", which skips composite keys.
    const simple = (await collect(t.ledger.getStateRange('basic', '\u0001', ''))).map((e) => e.key);
    assert.deepEqual(simple, ['Z', 'a', 'z', '\u00e9', '\uFFFD', '\u{10FFFF}']);
    // Partial composite key query: [prefix, prefix + U+10FFFF).
    const prefix = '\u0000idx\u0000';
    const partial = (await collect(t.ledger.getStateRange('basic', prefix, `${prefix}\u{10FFFF}`))).map(
      (e) => e.key,
    );
    assert.deepEqual(partial, ['\u0000idx\u0000a\u0000', '\u0000idx\u0000b\u0000']);
    // End key exclusive.
    const bounded = (await collect(t.ledger.getStateRange('basic', 'a', '\u00e9'))).map((e) => e.key);
    assert.deepEqual(bounded, ['a', 'z']);
    const first = (await collect(t.ledger.getStateRange('basic', 'a', 'b')))[0] as StateEntry;
    assert.deepEqual(first.value.version, { blockNum: 1, txNum: 0 });
    assert.equal(Buffer.from(first.value.value).toString(), 'a');
  });

  it('returns history newest first, with deletes, txids, timestamps and versions', async () => {
    const tx1 = await put({ namespace: 'basic', writes: [{ key: 'h', value: 'v1' }] });
    const tx2 = await put({ namespace: 'basic', writes: [{ key: 'h', value: 'v2' }] });
    const tx3 = await put({ namespace: 'basic', writes: [{ key: 'h' }] });
    // A key that extends "h" must not leak into its history.
    await put({ namespace: 'basic', writes: [{ key: 'h\u0000x', value: 'other' }] });
    const history = await collect(t.ledger.getHistory('basic', 'h'));
    assert.deepEqual(
      history.map((h: HistoryEntry) => [
        h.txId,
        h.isDelete,
        Buffer.from(h.value).toString(),
        h.blockNum,
        h.txNum,
      ]),
      [
        [tx3, true, '', 3, 0],
        [tx2, false, 'v2', 2, 0],
        [tx1, false, 'v1', 1, 0],
      ],
    );
    const now = Date.now() / 1000;
    for (const entry of history)
      assert.ok(Math.abs(entry.timestamp.seconds - now) < 60, 'timestamp from the header');
    assert.equal(await t.ledger.getState('basic', 'h'), undefined);
    assert.deepEqual(await collect(t.ledger.getHistory('basic', 'never')), []);
  });

  it('keeps key metadata across value writes, drops it on delete, and ignores metadata for a missing key', async () => {
    await put({
      namespace: 'basic',
      writes: [{ key: 'm', value: 'v1' }],
      metadataWrites: [
        { key: 'm', entries: { VALIDATION_PARAMETER: 'policy-bytes' } },
        { key: 'ghost', entries: { X: 'y' } },
      ],
    });
    const meta = await t.ledger.getStateMetadata('basic', 'm');
    assert.equal(Buffer.from(meta?.VALIDATION_PARAMETER ?? []).toString(), 'policy-bytes');
    assert.equal(await t.ledger.getState('basic', 'ghost'), undefined);

    await put({ namespace: 'basic', writes: [{ key: 'm', value: 'v2' }] });
    const kept = await t.ledger.getStateMetadata('basic', 'm');
    assert.equal(Buffer.from(kept?.VALIDATION_PARAMETER ?? []).toString(), 'policy-bytes');

    await put({ namespace: 'basic', metadataWrites: [{ key: 'm' }] });
    assert.deepEqual(await t.ledger.getStateMetadata('basic', 'm'), {});
    const afterMetaDelete = await t.ledger.getState('basic', 'm');
    assert.equal(
      Buffer.from(afterMetaDelete?.value ?? []).toString(),
      'v2',
      'a metadata-only write keeps the value',
    );
    assert.deepEqual(afterMetaDelete?.version, { blockNum: 3, txNum: 0 }, '...but takes the new version');

    await put({ namespace: 'basic', writes: [{ key: 'm' }] });
    assert.equal(await t.ledger.getStateMetadata('basic', 'm'), undefined);
  });
});
