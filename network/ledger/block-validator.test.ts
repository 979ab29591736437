import assert from 'node:assert/strict';
import { common, peer } from '@hyperledger/fabric-protos';
import { RangeResultsHasher } from './range-merkle.js';
import { buildConfigTx, buildEndorserTx, buildRawEnvelope, type TxSpec } from './test-envelopes.fake.js';
import { TestLedger } from './test-ledger.fake.js';
import { TxValidationCode } from './types.js';

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');

describe('commit-time validation (Fabric committer order and codes)', () => {
  let t: TestLedger;
  let tx: (
    spec: Omit<TxSpec, 'creator' | 'endorsers'> & Partial<TxSpec>,
  ) => ReturnType<typeof buildEndorserTx>;

  beforeEach(async () => {
    t = await TestLedger.create();
    tx = (spec) => buildEndorserTx({ creator: t.ids.client, endorsers: [t.ids.peer1], ...spec });
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('applies a valid transaction at version (block, tx index) and records its status', async () => {
    const filler = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'other', value: 'x' }] }] });
    const put = tx({
      rwset: [{ namespace: 'basic', reads: [{ key: 'k1' }], writes: [{ key: 'k1', value: 'v1' }] }],
    });
    const block = await t.commit([filler.envelope, put.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.VALID],
    );
    const state = await t.ledger.getState('basic', 'k1');
    assert.equal(text(state?.value), 'v1');
    assert.deepEqual(state?.version, { blockNum: 1, txNum: 1 });
    assert.deepEqual(await t.ledger.getTxStatus(put.txId), { blockNum: 1, code: TxValidationCode.VALID });
    assert.equal(await t.ledger.getTxStatus('f'.repeat(64)), undefined);
  });

  it('MVCC: a key written earlier in the same block conflicts, whatever version the later reader saw', async () => {
    await t.commit([tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'k', value: 'v0' }] }] }).envelope]);
    const read = { key: 'k', version: { blockNum: 1, txNum: 0 } };
    const first = tx({
      rwset: [{ namespace: 'basic', reads: [read], writes: [{ key: 'k', value: 'first' }] }],
    });
    const second = tx({
      rwset: [{ namespace: 'basic', reads: [read], writes: [{ key: 'k', value: 'second' }] }],
    });
    const block = await t.commit([first.envelope, second.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT],
    );
    assert.equal(text((await t.ledger.getState('basic', 'k'))?.value), 'first');
    assert.deepEqual(await t.ledger.getTxStatus(second.txId), {
      blockNum: 2,
      code: TxValidationCode.MVCC_READ_CONFLICT,
    });
  });

  it('MVCC: a stale version across blocks conflicts, the current one passes, a missing key must be read as missing', async () => {
    await t.commit([tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'k', value: 'v1' }] }] }).envelope]);
    await t.commit([tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'k', value: 'v2' }] }] }).envelope]);
    const stale = tx({
      rwset: [{ namespace: 'basic', reads: [{ key: 'k', version: { blockNum: 1, txNum: 0 } }], writes: [] }],
    });
    const current = tx({
      rwset: [{ namespace: 'basic', reads: [{ key: 'k', version: { blockNum: 2, txNum: 0 } }], writes: [] }],
    });
    const missingOk = tx({ rwset: [{ namespace: 'basic', reads: [{ key: 'nope' }] }] });
    const missingWithVersion = tx({
      rwset: [{ namespace: 'basic', reads: [{ key: 'nope', version: { blockNum: 1, txNum: 0 } }] }],
    });
    const existingReadAsMissing = tx({ rwset: [{ namespace: 'basic', reads: [{ key: 'k' }] }] });
    const block = await t.commit([
      stale.envelope,
      current.envelope,
      missingOk.envelope,
      missingWithVersion.envelope,
      existingReadAsMissing.envelope,
    ]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [
        TxValidationCode.MVCC_READ_CONFLICT,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.MVCC_READ_CONFLICT,
        TxValidationCode.MVCC_READ_CONFLICT,
      ],
    );
  });

  it('phantom reads: an insert or delete inside a scanned range fails the later reader, in the block and across blocks', async () => {
    await t.commit([
      tx({
        rwset: [
          {
            namespace: 'basic',
            writes: [
              { key: 'a', value: '1' },
              { key: 'c', value: '3' },
            ],
          },
        ],
      }).envelope,
    ]);
    const v = { blockNum: 1, txNum: 0 };
    const scan = (): ReturnType<typeof buildEndorserTx> =>
      tx({
        rwset: [
          {
            namespace: 'basic',
            rangeQueries: [
              {
                startKey: 'a',
                endKey: 'z',
                itrExhausted: true,
                rawReads: [
                  { key: 'a', version: v },
                  { key: 'c', version: v },
                ],
              },
            ],
            writes: [{ key: 'zz-summary', value: 'n=2' }],
          },
        ],
      });
    const insertB = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'b', value: '2' }] }] });
    const inBlock = await t.commit([scan().envelope, insertB.envelope, scan().envelope]);
    assert.deepEqual(
      inBlock.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.VALID, TxValidationCode.PHANTOM_READ_CONFLICT],
    );
    const acrossBlocks = await t.commit([scan().envelope]);
    assert.equal(acrossBlocks.transactions[0]?.code, TxValidationCode.PHANTOM_READ_CONFLICT);

    const deleteB = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'b' }] }] });
    const afterDelete = await t.commit([deleteB.envelope, scan().envelope]);
    assert.deepEqual(
      afterDelete.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.VALID],
      'with b deleted earlier in the block, the scan sees a and c again',
    );
  });

  it('phantom reads: a version change at the first key and an insert after the last key are both seen', async () => {
    await t.commit([
      tx({
        rwset: [
          {
            namespace: 'basic',
            writes: [
              { key: 'a', value: '1' },
              { key: 'c', value: '3' },
            ],
          },
        ],
      }).envelope,
    ]);
    const v = { blockNum: 1, txNum: 0 };
    const scan = (): ReturnType<typeof buildEndorserTx> =>
      tx({
        rwset: [
          {
            namespace: 'basic',
            rangeQueries: [
              {
                startKey: 'a',
                endKey: 'm',
                itrExhausted: true,
                rawReads: [
                  { key: 'a', version: v },
                  { key: 'c', version: v },
                ],
              },
            ],
          },
        ],
      });
    const updateA = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'a', value: '11' }] }] });
    const first = await t.commit([scan().envelope, updateA.envelope, scan().envelope]);
    assert.deepEqual(
      first.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.VALID, TxValidationCode.PHANTOM_READ_CONFLICT],
    );
    const v2 = { blockNum: 2, txNum: 1 };
    const rescan = (): ReturnType<typeof buildEndorserTx> =>
      tx({
        rwset: [
          {
            namespace: 'basic',
            rangeQueries: [
              {
                startKey: 'a',
                endKey: 'm',
                itrExhausted: true,
                rawReads: [
                  { key: 'a', version: v2 },
                  { key: 'c', version: v },
                ],
              },
            ],
          },
        ],
      });
    const insertD = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'd', value: '4' }] }] });
    const insertZ = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'z', value: 'outside' }] }] });
    const second = await t.commit([
      rescan().envelope,
      insertZ.envelope,
      rescan().envelope,
      insertD.envelope,
      rescan().envelope,
    ]);
    assert.deepEqual(
      second.transactions.map((x) => x.code),
      [
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.PHANTOM_READ_CONFLICT,
      ],
    );
  });

  it('phantom reads recorded as a merkle summary (large ranges) are re-hashed and compared', async () => {
    const keys = Array.from({ length: 70 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    await t.commit([
      tx({ rwset: [{ namespace: 'basic', writes: keys.map((key) => ({ key, value: key })) }] }).envelope,
    ]);
    const hasher = new RangeResultsHasher(3); // small degree: 70 results make a tree of three levels
    for (const key of keys) hasher.add({ key, version: { blockNum: 1, txNum: 0 } });
    const summary = hasher.done();
    assert.ok(summary !== undefined && summary.maxLevel === 3, `maxLevel ${String(summary?.maxLevel)}`);
    const scan = (merkle = summary): ReturnType<typeof buildEndorserTx> =>
      tx({
        rwset: [
          {
            namespace: 'basic',
            rangeQueries: [{ startKey: 'm', endKey: 'n', itrExhausted: true, rawReads: [], merkle }],
          },
        ],
      });
    const tampered = {
      ...summary,
      maxLevelHashes: summary.maxLevelHashes.map((h) => Buffer.from(h).fill(1, 0, 1)),
    };
    const insert = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'm50a', value: 'new' }] }] });
    const block = await t.commit([
      scan().envelope,
      scan(tampered).envelope,
      insert.envelope,
      scan().envelope,
    ]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [
        TxValidationCode.VALID,
        TxValidationCode.PHANTOM_READ_CONFLICT,
        TxValidationCode.VALID,
        TxValidationCode.PHANTOM_READ_CONFLICT,
      ],
    );
  });

  it('phantom reads: a range not exhausted covers its end key (inclusive) and nothing past it', async () => {
    await t.commit([
      tx({
        rwset: [
          {
            namespace: 'basic',
            writes: [
              { key: 'a', value: '1' },
              { key: 'b', value: '2' },
              { key: 'c', value: '3' },
            ],
          },
        ],
      }).envelope,
    ]);
    const v = { blockNum: 1, txNum: 0 };
    // A page of two: the simulation returned a and b and recorded b (the last key it returned) as end_key.
    const page = (): ReturnType<typeof buildEndorserTx> =>
      tx({
        rwset: [
          {
            namespace: 'basic',
            rangeQueries: [
              {
                startKey: 'a',
                endKey: 'b',
                itrExhausted: false,
                rawReads: [
                  { key: 'a', version: v },
                  { key: 'b', version: v },
                ],
              },
            ],
          },
        ],
      });
    const touchC = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'c', value: '33' }] }] });
    const touchB = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'b', value: '22' }] }] });
    const block = await t.commit([
      page().envelope,
      touchC.envelope,
      page().envelope,
      touchB.envelope,
      page().envelope,
    ]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.VALID,
        TxValidationCode.PHANTOM_READ_CONFLICT,
      ],
    );
  });

  it('DUPLICATE_TXID: the second of two equal txids in one block, and a txid already in the ledger', async () => {
    const original = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'd', value: '1' }] }] });
    const block = await t.commit([original.envelope, original.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [TxValidationCode.VALID, TxValidationCode.DUPLICATE_TXID],
    );
    // Same nonce and creator, different content: the txid repeats, the ledger refuses it.
    const replay = tx({
      nonce: Buffer.alloc(24, 7),
      rwset: [{ namespace: 'basic', writes: [{ key: 'd', value: '2' }] }],
    });
    const again = tx({
      nonce: Buffer.alloc(24, 7),
      rwset: [{ namespace: 'basic', writes: [{ key: 'd', value: '3' }] }],
    });
    assert.equal(replay.txId, again.txId);
    await t.commit([replay.envelope]);
    const later = await t.commit([again.envelope]);
    assert.equal(later.transactions[0]?.code, TxValidationCode.DUPLICATE_TXID);
    assert.equal(text((await t.ledger.getState('basic', 'd'))?.value), '2');
    assert.deepEqual(await t.ledger.getTxStatus(again.txId), { blockNum: 2, code: TxValidationCode.VALID });
  });

  it('a later transaction with a committed txid never replaces the first occurrence in the txid index', async () => {
    const nonce = Buffer.alloc(24, 5);
    const first = tx({ nonce, rwset: [{ namespace: 'basic', writes: [{ key: 'i', value: '1' }] }] });
    await t.commit([first.envelope]);
    const badHeader = tx({
      nonce,
      epoch: 3,
      rwset: [{ namespace: 'basic', writes: [{ key: 'i', value: '2' }] }],
    });
    const block = await t.commit([badHeader.envelope]);
    assert.equal(block.transactions[0]?.code, TxValidationCode.BAD_COMMON_HEADER);
    assert.equal(block.transactions[0].txId, first.txId);
    assert.deepEqual(await t.ledger.getTxStatus(first.txId), { blockNum: 1, code: TxValidationCode.VALID });
  });

  it('an invalid first occurrence does not make the second a duplicate inside the block', async () => {
    const nonce = Buffer.alloc(24, 9);
    const failing = tx({
      nonce,
      endorsers: [],
      rwset: [{ namespace: 'basic', writes: [{ key: 'e', value: '1' }] }],
    });
    const passing = tx({ nonce, rwset: [{ namespace: 'basic', writes: [{ key: 'e', value: '2' }] }] });
    const block = await t.commit([failing.envelope, passing.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [TxValidationCode.ENDORSEMENT_POLICY_FAILURE, TxValidationCode.VALID],
    );
    // As in Fabric's txid index, the status is the first occurrence's.
    assert.deepEqual(await t.ledger.getTxStatus(passing.txId), {
      blockNum: 1,
      code: TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    });
  });

  it('BAD_CREATOR_SIGNATURE for a payload signed by another key, and for an unknown creator', async () => {
    const forged = tx({
      envelopeSigner: t.ids.peer2,
      rwset: [{ namespace: 'basic', writes: [{ key: 'f', value: '1' }] }],
    });
    const unknown = tx({
      creator: t.ids.outsider,
      rwset: [{ namespace: 'basic', writes: [{ key: 'f', value: '2' }] }],
    });
    const block = await t.commit([forged.envelope, unknown.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [TxValidationCode.BAD_CREATOR_SIGNATURE, TxValidationCode.BAD_CREATOR_SIGNATURE],
    );
    assert.equal(await t.ledger.getState('basic', 'f'), undefined);
  });

  it('BAD_PROPOSAL_TXID when the txid is not hex(sha256(nonce ‖ creator))', async () => {
    const bad = tx({
      txIdOverride: 'a'.repeat(64),
      rwset: [{ namespace: 'basic', writes: [{ key: 'g', value: '1' }] }],
    });
    const block = await t.commit([bad.envelope]);
    assert.equal(block.transactions[0]?.code, TxValidationCode.BAD_PROPOSAL_TXID);
    assert.equal(block.transactions[0].txId, 'a'.repeat(64));
  });

  it('INVALID_ENDORSER_TRANSACTION when the proposal hash does not match the headers and proposal payload', async () => {
    const bad = tx({
      corruptProposalHash: true,
      rwset: [{ namespace: 'basic', writes: [{ key: 'h', value: '1' }] }],
    });
    const block = await t.commit([bad.envelope]);
    assert.equal(block.transactions[0]?.code, TxValidationCode.INVALID_ENDORSER_TRANSACTION);
  });

  it('ENDORSEMENT_POLICY_FAILURE: no endorsement, wrong org, a bad endorsement signature, a client endorser, an unknown chaincode, an unendorsed second namespace', async () => {
    const write = [{ namespace: 'basic', writes: [{ key: 'p', value: '1' }] }];
    const cases = [
      tx({ endorsers: [], rwset: write }),
      tx({ endorsers: [t.ids.peer2], rwset: write }),
      tx({ corruptEndorsementSignature: true, rwset: write }),
      tx({ endorsers: [t.ids.client], rwset: write }),
      tx({ chaincode: 'unknowncc', rwset: [{ namespace: 'unknowncc', writes: [{ key: 'p', value: '1' }] }] }),
      tx({
        rwset: [
          { namespace: 'basic', writes: [{ key: 'p', value: '1' }] },
          { namespace: 'both', writes: [{ key: 'p', value: '1' }] },
        ],
      }),
    ];
    const passing = [
      tx({ endorsers: [t.ids.peer2, t.ids.peer1], rwset: write }),
      tx({
        chaincode: 'both',
        endorsers: [t.ids.peer1, t.ids.peer2],
        rwset: [{ namespace: 'both', reads: [{ key: 'x' }] }],
      }),
    ];
    const block = await t.commit([...cases, ...passing].map((x) => x.envelope));
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      [
        ...cases.map(() => TxValidationCode.ENDORSEMENT_POLICY_FAILURE),
        TxValidationCode.VALID,
        TxValidationCode.VALID,
      ],
    );
  });

  it('structural codes: INVALID_OTHER_REASON, BAD_PAYLOAD, BAD_COMMON_HEADER, UNSUPPORTED_TX_PAYLOAD, INVALID_CHAINCODE, BAD_RWSET, ILLEGAL_WRITESET, BAD_HEADER_EXTENSION, BAD_RESPONSE_PAYLOAD', async () => {
    const write = [{ namespace: 'basic', writes: [{ key: 's', value: '1' }] }];
    const missingNonce = (() => {
      const header = new common.Header();
      const channelHeader = new common.ChannelHeader();
      channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
      header.setChannelHeader(channelHeader.serializeBinary());
      const signatureHeader = new common.SignatureHeader();
      signatureHeader.setCreator(t.ids.client.serialized);
      header.setSignatureHeader(signatureHeader.serializeBinary());
      const payload = new common.Payload();
      payload.setHeader(header);
      return buildRawEnvelope(payload.serializeBinary(), t.ids.client);
    })();
    const cases: [Uint8Array, number][] = [
      [Buffer.from([0x0a, 0xff, 0xff, 0xff]), TxValidationCode.INVALID_OTHER_REASON],
      [buildRawEnvelope(Buffer.from([0x0a, 0x05, 0x01]), t.ids.client), TxValidationCode.BAD_PAYLOAD],
      [
        buildRawEnvelope(new common.Payload().serializeBinary(), t.ids.client),
        TxValidationCode.BAD_COMMON_HEADER,
      ],
      [missingNonce, TxValidationCode.BAD_COMMON_HEADER],
      [tx({ epoch: 1, rwset: write }).envelope, TxValidationCode.BAD_COMMON_HEADER],
      [
        tx({ headerType: common.HeaderType.MESSAGE, rwset: write }).envelope,
        TxValidationCode.BAD_COMMON_HEADER,
      ],
      [
        tx({ headerType: common.HeaderType.CONFIG_UPDATE, rwset: write }).envelope,
        TxValidationCode.UNSUPPORTED_TX_PAYLOAD,
      ],
      [
        tx({ actionChaincode: { name: 'other', version: '1.0' }, rwset: write }).envelope,
        TxValidationCode.INVALID_CHAINCODE,
      ],
      [
        tx({ actionChaincode: { name: 'basic', version: '' }, rwset: write }).envelope,
        TxValidationCode.INVALID_CHAINCODE,
      ],
      [tx({ results: Buffer.from([0x12, 0x05, 0x01]), rwset: [] }).envelope, TxValidationCode.BAD_RWSET],
      [tx({ rwset: [...write, ...write] }).envelope, TxValidationCode.ILLEGAL_WRITESET],
      [
        tx({ headerExtension: Buffer.from([0x0a, 0x09]), rwset: write }).envelope,
        TxValidationCode.BAD_HEADER_EXTENSION,
      ],
      [
        tx({ chaincodeActionBytes: Buffer.from([0x0a, 0x09]), rwset: write }).envelope,
        TxValidationCode.BAD_RESPONSE_PAYLOAD,
      ],
      [
        tx({ event: { name: 'E', payload: '' }, eventChaincode: 'other', rwset: write }).envelope,
        TxValidationCode.INVALID_OTHER_REASON,
      ],
    ];
    const block = await t.commit(cases.map(([envelope]) => envelope));
    assert.deepEqual(
      block.transactions.map((x) => x.code),
      cases.map(([, code]) => code),
    );
    assert.equal(await t.ledger.getState('basic', 's'), undefined);
  });

  it('genesis is committed unvalidated; later config transactions need a creator signature and change no state', async () => {
    const genesis = await t.ledger.getBlockBytes(0);
    assert.ok(genesis !== undefined, 'block 0 is stored');
    const signed = buildConfigTx(t.ids.orderer);
    const unsigned = buildConfigTx();
    const forged = buildConfigTx(t.ids.outsider);
    const empty = buildConfigTx(t.ids.orderer, { emptyData: true });
    const block = await t.commit([signed.envelope, unsigned.envelope, forged.envelope, empty.envelope]);
    assert.deepEqual(
      block.transactions.map((x) => [x.headerType, x.code]),
      [
        [1, TxValidationCode.VALID],
        [1, TxValidationCode.BAD_COMMON_HEADER],
        [1, TxValidationCode.BAD_CREATOR_SIGNATURE],
        [1, TxValidationCode.INVALID_CONFIG_TRANSACTION],
      ],
    );
    assert.deepEqual(await t.ledger.getTxStatus(signed.txId), { blockNum: 1, code: TxValidationCode.VALID });
    const keys: string[] = [];
    for await (const entry of t.ledger.getStateRange('basic', '', '')) keys.push(entry.key);
    assert.deepEqual(keys, []);
  });

  it('reports header type and chaincode event per transaction to onCommit listeners, invalid ones included, in order', async () => {
    const seen: { number: number; codes: number[]; events: (string | undefined)[] }[] = [];
    const unsubscribe = t.ledger.onCommit((block) => {
      seen.push({
        number: block.number,
        codes: block.transactions.map((x) => x.code),
        events: block.transactions.map((x) =>
          x.chaincodeEvent === undefined
            ? undefined
            : peer.ChaincodeEvent.deserializeBinary(x.chaincodeEvent).getEventName(),
        ),
      });
    });
    const event = (name: string): { name: string; payload: string } => ({ name, payload: '{"id":1}' });
    const withEvent = tx({
      event: event('Created'),
      rwset: [{ namespace: 'basic', writes: [{ key: 'ev', value: '1' }] }],
    });
    const badTxId = tx({
      event: event('BadTxId'),
      txIdOverride: 'b'.repeat(64),
      rwset: [{ namespace: 'basic', writes: [{ key: 'ev2', value: '1' }] }],
    });
    const conflicting = tx({
      event: event('Conflict'),
      rwset: [{ namespace: 'basic', reads: [{ key: 'ev' }], writes: [{ key: 'ev3', value: '1' }] }],
    });
    const silent = tx({ rwset: [{ namespace: 'basic', writes: [{ key: 'ev4', value: '1' }] }] });
    await t.commit([withEvent.envelope, badTxId.envelope, conflicting.envelope, silent.envelope]);
    unsubscribe();
    await t.commit([]);
    assert.deepEqual(seen, [
      { number: 1, codes: [0, 8, 11, 0], events: ['Created', 'BadTxId', 'Conflict', undefined] },
    ]);
  });
});
