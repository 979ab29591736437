import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { createTestCa, type IssuedIdentity } from '../orderer/testkit/test-identities.js';
import { BlockMetadataIndex, buildBlock, readBlockHeader } from './block-builder.js';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash.js';

describe('buildBlock (multichannel/blockwriter.go layout)', () => {
  let ordererId: IssuedIdentity;
  before(async () => {
    const ca = await createTestCa('OrdererMSP');
    ordererId = await ca.issue('orderer.example.com', 'orderer');
  });

  const envelopes = [Buffer.from('env-1'), Buffer.from('env-two'), Buffer.from('env-3')];

  it('keeps the envelopes verbatim and sets the header hashes', () => {
    const built = buildBlock({
      number: 7,
      previousHash: Buffer.alloc(32, 1),
      envelopes,
      lastConfigIndex: 0,
      signer: ordererId.signer,
    });
    const block = common.Block.deserializeBinary(built.bytes);
    assert.deepEqual(
      block
        .getData()
        ?.getDataList_asU8()
        .map((d) => Buffer.from(d).toString()),
      ['env-1', 'env-two', 'env-3'],
    );
    assert.equal(block.getHeader()?.getNumber(), 7);
    assert.deepEqual(
      Buffer.from(block.getHeader()?.getDataHash_asU8() ?? []),
      Buffer.from(blockDataHash(envelopes)),
    );
    assert.deepEqual(
      Buffer.from(built.headerHash),
      Buffer.from(blockHeaderHash(7, Buffer.alloc(32, 1), blockDataHash(envelopes))),
    );
    assert.deepEqual(readBlockHeader(built.bytes).number, 7);
  });

  it('writes five metadata slots: signatures, last config, a zeroed filter per tx, empty orderer and commit hash', () => {
    const built = buildBlock({
      number: 3,
      previousHash: Buffer.alloc(32),
      envelopes,
      lastConfigIndex: 2,
      signer: ordererId.signer,
    });
    const slots = common.Block.deserializeBinary(built.bytes).getMetadata()?.getMetadataList_asU8() ?? [];
    assert.equal(slots.length, 5);
    assert.deepEqual([...(slots[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])], [0, 0, 0]);
    assert.equal(slots[BlockMetadataIndex.ORDERER]?.length, 0);
    assert.equal(slots[BlockMetadataIndex.COMMIT_HASH]?.length, 0);
    const lastConfig = common.Metadata.deserializeBinary(
      slots[BlockMetadataIndex.LAST_CONFIG] ?? new Uint8Array(),
    );
    assert.equal(common.LastConfig.deserializeBinary(lastConfig.getValue_asU8()).getIndex(), 2);
  });

  it('signs value ‖ signature_header ‖ DER header, verifiable as BlockSignatureVerifier does', () => {
    const previousHash = Buffer.alloc(32, 9);
    const built = buildBlock({
      number: 4,
      previousHash,
      envelopes,
      lastConfigIndex: 0,
      signer: ordererId.signer,
    });
    const block = common.Block.deserializeBinary(built.bytes);
    const md = common.Metadata.deserializeBinary(
      block.getMetadata()?.getMetadataList_asU8()[BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
    );
    const obm = common.OrdererBlockMetadata.deserializeBinary(md.getValue_asU8());
    assert.equal(obm.getLastConfig()?.getIndex(), 0);
    const [sig] = md.getSignaturesList();
    assert.ok(sig);
    const sigHeader = common.SignatureHeader.deserializeBinary(sig.getSignatureHeader_asU8());
    assert.equal(sigHeader.getNonce_asU8().length, 24);
    const creator = msp.SerializedIdentity.deserializeBinary(sigHeader.getCreator_asU8());
    assert.equal(creator.getMspid(), 'OrdererMSP');
    const cert = new X509Certificate(Buffer.from(creator.getIdBytes_asU8()));
    const signed = Buffer.concat([
      md.getValue_asU8(),
      sig.getSignatureHeader_asU8(),
      blockHeaderBytes(4, previousHash, blockDataHash(envelopes)),
    ]);
    assert.ok(verify('sha256', signed, cert.publicKey, sig.getSignature_asU8()));
    // and the signature does not cover a different header
    const other = Buffer.concat([
      md.getValue_asU8(),
      sig.getSignatureHeader_asU8(),
      blockHeaderBytes(5, previousHash, blockDataHash(envelopes)),
    ]);
    assert.ok(!verify('sha256', other, cert.publicKey, sig.getSignature_asU8()));
  });

  it('chains: each previous_hash is the SHA-256 of the previous DER header', () => {
    let previousHash: Uint8Array = new Uint8Array();
    const blocks = [];
    for (let n = 0; n < 5; n++) {
      const built = buildBlock({
        number: n,
        previousHash,
        envelopes: [Buffer.from(`tx ${n}`)],
        lastConfigIndex: 0,
        signer: ordererId.signer,
      });
      blocks.push(common.Block.deserializeBinary(built.bytes));
      previousHash = built.headerHash;
    }
    for (let n = 1; n < blocks.length; n++) {
      const prev = blocks[n - 1]?.getHeader();
      assert.ok(prev);
      const expected = blockHeaderHash(
        prev.getNumber(),
        prev.getPreviousHash_asU8(),
        prev.getDataHash_asU8(),
      );
      assert.deepEqual(
        Buffer.from(blocks[n]?.getHeader()?.getPreviousHash_asU8() ?? []),
        Buffer.from(expected),
      );
    }
  });

  it('writes an unsigned OrdererBlockMetadata when there is no signer (configtxgen genesis)', () => {
    const built = buildBlock({ number: 0, previousHash: new Uint8Array(), envelopes, lastConfigIndex: 0 });
    const slots = common.Block.deserializeBinary(built.bytes).getMetadata()?.getMetadataList_asU8() ?? [];
    const md = common.Metadata.deserializeBinary(slots[0] ?? new Uint8Array());
    assert.equal(md.getSignaturesList().length, 0);
    assert.equal(
      common.OrdererBlockMetadata.deserializeBinary(md.getValue_asU8()).getLastConfig()?.getIndex(),
      0,
    );
  });
});
