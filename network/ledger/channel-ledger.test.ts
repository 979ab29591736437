import assert from 'node:assert/strict';
import { common } from '@hyperledger/fabric-protos';
import { LedgerError } from './ledger-error.js';
import { SimulatedCrash } from './memory-block-store.fake.js';
import { buildBlock } from './test-blocks.fake.js';
import { buildEndorserTx } from './test-envelopes.fake.js';
import { makeIds, makePolicies, TestLedger, type TestIds } from './test-ledger.fake.js';
import { TxValidationCode, type CommitPolicies } from './types.js';

/** A mixed workload: valid writes, a conflict, a delete, metadata, a range read. */
function workload(ids: TestIds, round: number): Uint8Array[] {
  const tx = (rwset: Parameters<typeof buildEndorserTx>[0]['rwset']): Uint8Array =>
    buildEndorserTx({
      creator: ids.client,
      endorsers: [ids.peer1],
      rwset,
      timestamp: new Date(1_700_000_000_000 + round),
    }).envelope;
  return [
    tx([
      {
        namespace: 'basic',
        writes: [
          { key: `k${round}`, value: `v${round}` },
          { key: 'shared', value: `${round}` },
        ],
      },
    ]),
    tx([{ namespace: 'basic', reads: [{ key: 'shared' }], writes: [{ key: 'shared', value: 'loser' }] }]),
    tx([
      {
        namespace: 'basic',
        writes: [{ key: `k${round - 1}` }],
        metadataWrites: [{ key: 'shared', entries: { A: 'b' } }],
      },
    ]),
    tx([
      {
        namespace: 'basic',
        rangeQueries: [{ startKey: 'x', endKey: 'y', itrExhausted: true, rawReads: [] }],
      },
    ]),
  ];
}

describe('channel ledger: stored blocks, filter, ordering and crash recovery', () => {
  const open: TestLedger[] = [];
  const create = async (ids?: TestIds): Promise<TestLedger> => {
    const ledger = await TestLedger.create(ids);
    open.push(ledger);
    return ledger;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.dispose()));
  });

  it('stores the block with TRANSACTIONS_FILTER in metadata[2] and the orderer bytes untouched', async () => {
    const t = await create();
    const envelopes = workload(t.ids, 1);
    const original = buildBlock(1, envelopes);
    const committed = await t.ledger.commitBlock(original);
    const stored = await t.ledger.getBlockBytes(1);
    assert.ok(stored !== undefined);
    assert.ok(Buffer.from(stored).equals(committed.blockBytes));
    // The orderer's block had no metadata field, so the stored block must begin with its exact bytes.
    assert.ok(Buffer.from(stored).subarray(0, original.length).equals(original));
    const block = common.Block.deserializeBinary(stored);
    const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
    assert.equal(metadata.length, 5);
    assert.deepEqual(
      [...(metadata[2] ?? [])],
      committed.transactions.map((x) => x.code),
    );
    assert.deepEqual([...(metadata[2] ?? [])], [0, 11, 0, 0]);
    assert.deepEqual(block.getData()?.getDataList_asU8(), envelopes);
    assert.equal(t.ledger.height(), 2);
  });

  it('keeps existing metadata slots and replaces only the filter', async () => {
    const t = await create();
    const block = common.Block.deserializeBinary(buildBlock(1, workload(t.ids, 1)));
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([
      Buffer.from('signatures'),
      Buffer.from('last-config'),
      Buffer.from([9, 9, 9, 9]),
    ]);
    block.setMetadata(metadata);
    await t.ledger.commitBlock(block.serializeBinary());
    const stored = common.Block.deserializeBinary((await t.ledger.getBlockBytes(1)) ?? new Uint8Array());
    const slots = stored.getMetadata()?.getMetadataList_asU8() ?? [];
    assert.equal(Buffer.from(slots[0] ?? []).toString(), 'signatures');
    assert.equal(Buffer.from(slots[1] ?? []).toString(), 'last-config');
    assert.deepEqual([...(slots[2] ?? [])], [0, 11, 0, 0]);
    assert.equal(slots.length, 5);
  });

  it('refuses a block that is not the next one, and garbage, with coded errors', async () => {
    const t = await create();
    await assert.rejects(t.ledger.commitBlock(buildBlock(5, [])), (error: unknown) => {
      assert.ok(error instanceof LedgerError);
      assert.equal(error.code, 'LEDGER_OUT_OF_ORDER');
      assert.match(error.message, /block 5 cannot be committed on channel mychannel: the next block is 1/);
      return true;
    });
    await assert.rejects(t.ledger.commitBlock(Buffer.from([0xff, 0xff, 0xff])), { code: 'LEDGER_BAD_BLOCK' });
    const tampered = common.Block.deserializeBinary(buildBlock(1, workload(t.ids, 1)));
    tampered.getData()?.setDataList(workload(t.ids, 2));
    await assert.rejects(t.ledger.commitBlock(tampered.serializeBinary()), {
      code: 'LEDGER_BAD_BLOCK',
      message: 'block 1 has a data_hash that does not match its data',
    });
    // The ledger still commits after refusing.
    assert.equal((await t.commit([])).number, 1);
  });

  it('commits concurrent commitBlock calls one at a time, in call order', async () => {
    const t = await create();
    const results = await Promise.all([
      t.ledger.commitBlock(buildBlock(1, workload(t.ids, 1))),
      t.ledger.commitBlock(buildBlock(2, workload(t.ids, 2))),
      t.ledger.commitBlock(buildBlock(3, workload(t.ids, 3))),
    ]);
    assert.deepEqual(
      results.map((b) => b.number),
      [1, 2, 3],
    );
  });

  it('replays a block appended before a crash that kept its state batch from being written', async () => {
    const ids = makeIds();
    const crashed = await create(ids);
    const reference = await create(ids);
    const blocks = [1, 2, 3].map((n) => buildBlock(n, workload(ids, n)));

    for (const [i, block] of blocks.entries()) {
      if (i === 2) crashed.store.crashAfterNextAppend = true;
      const outcome = crashed.ledger.commitBlock(block);
      if (i === 2) await assert.rejects(outcome, SimulatedCrash);
      else await outcome;
      await reference.ledger.commitBlock(block);
    }
    // Before reopening, the crashed ledger's state is one block behind its blocks.
    assert.equal(crashed.store.height(), 4);
    assert.equal(await crashed.ledger.getState('basic', 'k3'), undefined);
    assert.notEqual(await crashed.ledger.stateFingerprint(), await reference.ledger.stateFingerprint());

    await crashed.reopen();
    assert.equal(Buffer.from((await crashed.ledger.getState('basic', 'k3'))?.value ?? []).toString(), 'v3');
    assert.equal(await crashed.ledger.stateFingerprint(), await reference.ledger.stateFingerprint());
    // And it goes on committing from there, in step with the reference.
    const next = buildBlock(4, workload(ids, 4));
    await crashed.ledger.commitBlock(next);
    await reference.ledger.commitBlock(next);
    assert.equal(await crashed.ledger.stateFingerprint(), await reference.ledger.stateFingerprint());
  });

  it('replays from the stored filter, never validating again (policies that now refuse everything change nothing)', async () => {
    const ids = makeIds();
    const crashed = await create(ids);
    const reference = await create(ids);
    const block = buildBlock(1, workload(ids, 1));
    crashed.store.crashAfterNextAppend = true;
    await assert.rejects(crashed.ledger.commitBlock(block), SimulatedCrash);
    await reference.ledger.commitBlock(block);

    const refuseAll: CommitPolicies = { ...makePolicies(ids), endorsementSatisfied: () => false };
    await crashed.reopen(refuseAll);
    assert.equal(await crashed.ledger.stateFingerprint(), await reference.ledger.stateFingerprint());
    const status = await Promise.all(
      (
        await reference.ledger
          .getBlockBytes(1)
          .then((b) => common.Block.deserializeBinary(b ?? new Uint8Array()))
      )
        .getData()
        ?.getDataList_asU8()
        .map((env) => {
          const payload = common.Payload.deserializeBinary(
            common.Envelope.deserializeBinary(env).getPayload_asU8(),
          );
          const channelHeader = common.ChannelHeader.deserializeBinary(
            payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
          );
          return crashed.ledger.getTxStatus(channelHeader.getTxId());
        }) ?? [],
    );
    assert.deepEqual(
      status.map((s) => s?.code),
      [
        TxValidationCode.VALID,
        TxValidationCode.MVCC_READ_CONFLICT,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
      ],
    );
  });

  it('reopening a cleanly closed ledger replays nothing and keeps the same fingerprint', async () => {
    const t = await create();
    await t.commit(workload(t.ids, 1));
    const before = await t.ledger.stateFingerprint();
    await t.reopen();
    assert.equal(await t.ledger.stateFingerprint(), before);
    assert.equal(t.ledger.height(), 2);
  });

  it('refuses to open when the state database is ahead of the block store', async () => {
    const t = await create();
    await t.commit(workload(t.ids, 1));
    t.store.blocks.pop();
    await assert.rejects(t.reopen(), (error: unknown) => {
      assert.ok(error instanceof LedgerError);
      assert.equal(error.code, 'LEDGER_STATE_AHEAD');
      assert.match(error.message, /applied block 1 but the block store holds only 1 blocks/);
      return true;
    });
  });
});
