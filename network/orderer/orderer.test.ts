import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { BlockMetadataIndex } from '../protocol/block-builder.js';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from '../protocol/block-hash.js';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import {
  broadcast,
  channelInput,
  createPki,
  deliver,
  makeEnvelope,
  seekEnvelope,
  startOrderer,
  tempDir,
  txEnvelope,
  type Pki,
  type RunningOrderer,
} from './testkit/orderer-fixture.js';

const S = common.Status;
const BATCH = {
  maxMessageCount: 5,
  absoluteMaxBytes: 64 * 1024,
  preferredMaxBytes: 32 * 1024,
  batchTimeoutMs: 300,
};

function headerHashOf(block: common.Block): Uint8Array {
  const h = block.getHeader();
  assert.ok(h);
  return blockHeaderHash(h.getNumber(), h.getPreviousHash_asU8(), h.getDataHash_asU8());
}

describe('orderer over TLS gRPC (real AtomicBroadcastClient)', function () {
  this.timeout(30_000);
  let pki: Pki;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let running: RunningOrderer;

  before(async () => {
    pki = await createPki();
  });
  beforeEach(async () => {
    dir = await tempDir();
    running = await startOrderer(pki, dir.path, [channelInput(pki, 'mychannel', BATCH)]);
  });
  afterEach(async () => {
    await running.stop();
    await dir.remove();
  });

  const deliverRange = (start: number, stop: number) =>
    deliver(running.client, seekEnvelope('mychannel', pki.client.signer, start, stop, 'block'));

  it('creates the genesis config block on first start; it decodes back to the channel input', async () => {
    const { blocks, status } = await deliverRange(0, 0);
    assert.equal(status, S.SUCCESS);
    assert.equal(blocks.length, 1);
    const decoded = decodeConfigBlock(blocks[0]?.serializeBinary() ?? new Uint8Array());
    assert.equal(decoded.channelId, 'mychannel');
    assert.deepEqual(decoded.batch, BATCH);
    assert.deepEqual(
      decoded.orgs.map((o) => o.mspId),
      ['Org1MSP'],
    );
    assert.deepEqual(decoded.orgs[0]?.rootCertsPem, [pki.org1Ca.certificatePem]);
  });

  it('orders client envelopes byte for byte into signed, chained blocks cut by count and by timeout', async () => {
    const envelopes = Array.from({ length: 12 }, () => txEnvelope('mychannel', pki.client.signer));
    const { responses } = await broadcast(running.client, envelopes);
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(12).fill(S.SUCCESS),
    );

    const { blocks, status } = await deliverRange(0, 3);
    assert.equal(status, S.SUCCESS);
    assert.deepEqual(
      blocks.map((b) => b.getData()?.getDataList().length),
      [1, 5, 5, 2],
    );
    const sent = envelopes.map((e) => Buffer.from(e.serializeBinary()).toString('hex'));
    const ordered = blocks.slice(1).flatMap(
      (b) =>
        b
          .getData()
          ?.getDataList_asU8()
          .map((d) => Buffer.from(d).toString('hex')) ?? [],
    );
    assert.deepEqual(ordered, sent);

    for (let n = 1; n < blocks.length; n++) {
      const block = blocks[n];
      const header = block?.getHeader();
      assert.ok(block && header);
      assert.equal(header.getNumber(), n);
      assert.deepEqual(
        Buffer.from(header.getPreviousHash_asU8()),
        Buffer.from(headerHashOf(blocks[n - 1] ?? new common.Block())),
      );
      const data = block.getData()?.getDataList_asU8() ?? [];
      assert.deepEqual(Buffer.from(header.getDataHash_asU8()), Buffer.from(blockDataHash(data)));
      const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
      assert.equal(slots[BlockMetadataIndex.TRANSACTIONS_FILTER]?.length, data.length);
      const md = common.Metadata.deserializeBinary(slots[BlockMetadataIndex.SIGNATURES] ?? new Uint8Array());
      const [sig] = md.getSignaturesList();
      assert.ok(sig);
      const creator = msp.SerializedIdentity.deserializeBinary(
        common.SignatureHeader.deserializeBinary(sig.getSignatureHeader_asU8()).getCreator_asU8(),
      );
      assert.equal(creator.getMspid(), 'OrdererMSP');
      const signed = Buffer.concat([
        md.getValue_asU8(),
        sig.getSignatureHeader_asU8(),
        blockHeaderBytes(n, header.getPreviousHash_asU8(), header.getDataHash_asU8()),
      ]);
      assert.ok(
        verify(
          'sha256',
          signed,
          new X509Certificate(Buffer.from(creator.getIdBytes_asU8())).publicKey,
          sig.getSignature_asU8(),
        ),
      );
    }
  });

  it('accepts admins as Writers and refuses peers, unsigned, forged and foreign-CA envelopes with FORBIDDEN', async () => {
    const admin = await broadcast(running.client, [txEnvelope('mychannel', pki.admin.signer)]);
    assert.equal(admin.responses[0]?.status, S.SUCCESS);

    const denied =
      "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied";
    const cases = {
      peer: txEnvelope('mychannel', pki.peer.signer),
      unsigned: makeEnvelope({
        channelId: 'mychannel',
        type: common.HeaderType.ENDORSER_TRANSACTION,
        data: Buffer.from('x'),
        creator: pki.client.signer,
        signWith: null,
      }),
      forged: makeEnvelope({
        channelId: 'mychannel',
        type: common.HeaderType.ENDORSER_TRANSACTION,
        data: Buffer.from('x'),
        creator: pki.client.signer,
        signWith: pki.admin.signer,
      }),
      foreignCa: txEnvelope('mychannel', pki.stranger.signer),
      noCreator: makeEnvelope({
        channelId: 'mychannel',
        type: common.HeaderType.ENDORSER_TRANSACTION,
        data: Buffer.from('x'),
      }),
    };
    for (const [name, envelope] of Object.entries(cases)) {
      const outcome = await broadcast(
        running.client,
        [envelope, txEnvelope('mychannel', pki.client.signer)],
        2,
      );
      assert.deepEqual(outcome.responses, [{ status: S.FORBIDDEN, info: denied }], name);
      assert.ok(outcome.ended, `${name}: the stream ends after a rejection`);
    }
    assert.equal(
      running.node.metrics.get('broadcast_processed_count', {
        channel: 'mychannel',
        type: 'ENDORSER_TRANSACTION',
        status: 'FORBIDDEN',
      }),
      5,
    );
  });

  it('answers BAD_REQUEST for an unknown channel (as Fabric v3) and for malformed, oversized and config messages', async () => {
    const unknown = await broadcast(running.client, [txEnvelope('otherchannel', pki.client.signer)]);
    assert.deepEqual(unknown.responses, [{ status: S.BAD_REQUEST, info: 'channel does not exist' }]);

    const garbage = new common.Envelope();
    garbage.setPayload(Buffer.from([0xff, 0xff, 0xff]));
    const malformed = await broadcast(running.client, [garbage]);
    const [rejection] = malformed.responses;
    assert.ok(rejection);
    assert.equal(rejection.status, S.BAD_REQUEST);
    assert.match(rejection.info, /^could not determine channel ID: /);

    const headerless = new common.Envelope();
    headerless.setPayload(new common.Payload().serializeBinary());
    assert.deepEqual((await broadcast(running.client, [headerless])).responses, [
      { status: S.BAD_REQUEST, info: 'could not determine channel ID: header not set' },
    ]);

    const big = txEnvelope('mychannel', pki.client.signer, 70 * 1024);
    const size = big.getPayload_asU8().length + big.getSignature_asU8().length;
    assert.deepEqual((await broadcast(running.client, [big])).responses, [
      {
        status: S.BAD_REQUEST,
        info: `message payload is ${size} bytes and exceeds maximum allowed ${64 * 1024} bytes`,
      },
    ]);

    const config = makeEnvelope({
      channelId: 'mychannel',
      type: common.HeaderType.CONFIG,
      data: Buffer.from('x'),
      creator: pki.admin.signer,
    });
    assert.deepEqual((await broadcast(running.client, [config])).responses, [
      { status: S.BAD_REQUEST, info: 'message is of type that cannot be processed directly' },
    ]);
  });

  it('Deliver: FAIL_IF_NOT_READY past the end → NOT_FOUND after the blocks it has', async () => {
    const outcome = await deliver(running.client, seekEnvelope('mychannel', pki.client.signer, 0, 5, 'fail'));
    assert.equal(outcome.status, S.NOT_FOUND);
    assert.equal(outcome.blocks.length, 1);
    const pastEnd = await deliver(
      running.client,
      seekEnvelope('mychannel', pki.client.signer, 3, 5, 'block'),
    );
    assert.deepEqual(pastEnd, { blocks: [], status: S.NOT_FOUND });
  });

  it('Deliver: BLOCK_UNTIL_READY waits for the next block and ends with SUCCESS at stop', async () => {
    const received: number[] = [];
    const pending = deliver(running.client, seekEnvelope('mychannel', pki.peer.signer, 1, 1, 'block'), (b) =>
      received.push(b.getHeader()?.getNumber() ?? -1),
    );
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(received, [], 'nothing to deliver yet');
    await broadcast(running.client, [txEnvelope('mychannel', pki.client.signer)]);
    const outcome = await pending;
    assert.equal(outcome.status, S.SUCCESS);
    assert.deepEqual(received, [1]);
  });

  it('Deliver: a wait for a block the client cancels is released (deliver_streams_closed catches up)', async () => {
    const streams = () => ({
      opened: running.node.metrics.get('deliver_streams_opened', {}),
      closed: running.node.metrics.get('deliver_streams_closed', {}),
    });
    const calls = Array.from({ length: 5 }, () => {
      const call = running.client.deliver();
      call.on('error', () => undefined);
      call.write(seekEnvelope('mychannel', pki.client.signer, 1, 1, 'block'));
      return call;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(streams(), { opened: 5, closed: 0 }, 'five streams waiting for block 1');
    for (const call of calls) call.cancel();
    const deadline = Date.now() + 3_000;
    while (streams().closed < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(streams(), { opened: 5, closed: 5 });
  });

  it('Deliver: keeps streaming after the client half-closes, and serves a second SeekInfo on the same stream', async () => {
    const pending = deliver(
      running.client,
      seekEnvelope('mychannel', pki.peer.signer, 1, 1, 'block'),
      undefined,
      true,
    );
    await new Promise((r) => setTimeout(r, 50));
    await broadcast(running.client, [txEnvelope('mychannel', pki.client.signer)]);
    const outcome = await pending;
    assert.deepEqual(
      outcome.blocks.map((b) => b.getHeader()?.getNumber()),
      [1],
    );
    assert.equal(outcome.status, S.SUCCESS);

    const statuses: number[] = [];
    const blocks: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const call = running.client.deliver();
      call.on('data', (response: orderer.DeliverResponse) => {
        if (response.hasBlock()) {
          blocks.push(response.getBlock()?.getHeader()?.getNumber() ?? -1);
          return;
        }
        statuses.push(response.getStatus());
        if (statuses.length === 1) call.write(seekEnvelope('mychannel', pki.peer.signer, 1, 1, 'fail'));
        else call.end();
      });
      call.on('end', resolve);
      call.on('error', reject);
      call.write(seekEnvelope('mychannel', pki.peer.signer, 0, 0, 'fail'));
    });
    assert.deepEqual(blocks, [0, 1]);
    assert.deepEqual(statuses, [S.SUCCESS, S.SUCCESS]);
  });

  it('Deliver: newest/newest gives one block; oldest..newest gives the chain so far', async () => {
    await broadcast(
      running.client,
      Array.from({ length: 5 }, () => txEnvelope('mychannel', pki.client.signer)),
    );
    await deliverRange(1, 1);
    const newest = await deliver(
      running.client,
      seekEnvelope('mychannel', pki.client.signer, 'newest', 'newest', 'block'),
    );
    assert.deepEqual(
      newest.blocks.map((b) => b.getHeader()?.getNumber()),
      [1],
    );
    const all = await deliver(
      running.client,
      seekEnvelope('mychannel', pki.client.signer, 'oldest', 'newest', 'block'),
    );
    assert.deepEqual(
      all.blocks.map((b) => b.getHeader()?.getNumber()),
      [0, 1],
    );
    assert.equal(all.status, S.SUCCESS);
  });

  it('Deliver: refuses unsigned/foreign readers (FORBIDDEN), unknown channels (NOT_FOUND), bad ranges and stale timestamps (BAD_REQUEST)', async () => {
    const unsigned = seekEnvelope('mychannel', pki.client.signer, 0, 0, 'block', { signWith: null });
    assert.deepEqual(await deliver(running.client, unsigned), { blocks: [], status: S.FORBIDDEN });
    assert.deepEqual(
      await deliver(running.client, seekEnvelope('mychannel', pki.stranger.signer, 0, 0, 'block')),
      { blocks: [], status: S.FORBIDDEN },
    );
    assert.deepEqual(
      await deliver(running.client, seekEnvelope('nochannel', pki.client.signer, 0, 0, 'block')),
      { blocks: [], status: S.NOT_FOUND },
    );
    assert.deepEqual(
      await deliver(running.client, seekEnvelope('mychannel', pki.client.signer, 1, 0, 'block')),
      { blocks: [], status: S.BAD_REQUEST },
    );
    // a start past the next block is NOT_FOUND before the range is looked at (fileledger's NotFoundErrorIterator)
    assert.deepEqual(
      await deliver(running.client, seekEnvelope('mychannel', pki.client.signer, 2, 1, 'block')),
      { blocks: [], status: S.NOT_FOUND },
    );
    const stale = seekEnvelope('mychannel', pki.client.signer, 0, 0, 'block', {
      timestamp: new Date(Date.now() - 20 * 60_000),
    });
    assert.deepEqual(await deliver(running.client, stale), { blocks: [], status: S.BAD_REQUEST });
  });

  it('restart keeps the height and the hash chain, and resumes with the right previous hash', async () => {
    await broadcast(
      running.client,
      Array.from({ length: 7 }, () => txEnvelope('mychannel', pki.client.signer)),
    );
    const before = await deliverRange(0, 2);
    assert.equal(before.status, S.SUCCESS);
    await running.stop();

    running = await startOrderer(pki, dir.path, [
      channelInput(pki, 'mychannel', { ...BATCH, maxMessageCount: 99 }),
    ]);
    assert.equal(running.node.getChannel('mychannel')?.height(), 3);
    // the stored genesis wins over a changed input
    assert.equal(running.node.getChannel('mychannel')?.config.batch.maxMessageCount, 5);
    await broadcast(running.client, [txEnvelope('mychannel', pki.client.signer)]);
    const after = await deliverRange(0, 3);
    assert.equal(after.status, S.SUCCESS);
    assert.deepEqual(
      Buffer.from(after.blocks[0]?.serializeBinary() ?? []),
      Buffer.from(before.blocks[0]?.serializeBinary() ?? [1]),
    );
    assert.deepEqual(
      Buffer.from(after.blocks[3]?.getHeader()?.getPreviousHash_asU8() ?? []),
      Buffer.from(headerHashOf(before.blocks[2] ?? new common.Block())),
    );
  });

  it('serves /healthz in Fabric shape and /metrics with height and broadcast counts', async () => {
    await broadcast(running.client, [txEnvelope('mychannel', pki.client.signer)]);
    await deliverRange(1, 1);
    const health = await fetch(`http://127.0.0.1:${running.ops.port}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; time: string };
    assert.equal(body.status, 'OK');
    assert.ok(!Number.isNaN(Date.parse(body.time)));
    const metrics = await (await fetch(`http://127.0.0.1:${running.ops.port}/metrics`)).text();
    assert.match(metrics, /^ledger_blockchain_height\{channel="mychannel"\} 2$/m);
    assert.match(
      metrics,
      /^broadcast_processed_count\{channel="mychannel",status="SUCCESS",type="ENDORSER_TRANSACTION"\} 1$/m,
    );
    assert.equal((await fetch(`http://127.0.0.1:${running.ops.port}/nope`)).status, 404);
  });
});
