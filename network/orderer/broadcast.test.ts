import assert from 'node:assert/strict';
import { common } from '@hyperledger/fabric-protos';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { processBroadcast } from './broadcast.js';
import { readChainTip } from './chain-tip.js';
import { ChannelChain } from './channel-chain.js';
import { InProcessOrderingLog } from './ordering-log.js';
import { MemoryBlockStore } from '../ledger/memory-block-store.fake.js';
import { channelInput, createPki, makeEnvelope, txEnvelope } from './testkit/orderer-fixture.js';
import { TestIdentityValidator } from './testkit/test-identities.js';

describe('processBroadcast', () => {
  it('answers SERVICE_UNAVAILABLE once the channel has halted, and CONFIG_UPDATE with BAD_REQUEST', async () => {
    const pki = await createPki();
    const input = channelInput(pki, 'mychannel', {
      maxMessageCount: 1,
      absoluteMaxBytes: 1 << 20,
      preferredMaxBytes: 1 << 19,
      batchTimeoutMs: 1000,
    });
    const store = new MemoryBlockStore();
    await store.append(0, buildGenesisBlock(input).bytes);
    const chain = new ChannelChain({
      channelId: 'mychannel',
      config: decodeConfigBlock(store.blocks[0] ?? new Uint8Array()),
      store,
      log: new InProcessOrderingLog(),
      signer: pki.ordererId.signer,
      tip: await readChainTip(store),
    });
    const deps = {
      channels: { getChannel: (id: string) => (id === 'mychannel' ? chain : undefined) },
      identities: new TestIdentityValidator([pki.ordererCa, pki.org1Ca]),
    };
    const send = (envelope: common.Envelope) =>
      processBroadcast({ envelope, bytes: envelope.serializeBinary() }, deps);

    const update = makeEnvelope({
      channelId: 'mychannel',
      type: common.HeaderType.CONFIG_UPDATE,
      data: Buffer.from('u'),
      creator: pki.admin.signer,
    });
    assert.equal((await send(update)).status, common.Status.BAD_REQUEST);

    store.failAppends = true;
    assert.equal((await send(txEnvelope('mychannel', pki.client.signer))).status, common.Status.SUCCESS);
    await new Promise((r) => setImmediate(r));
    const after = await send(txEnvelope('mychannel', pki.client.signer));
    assert.equal(after.status, common.Status.SERVICE_UNAVAILABLE);
    assert.match(after.info, /ordering halted: ENOSPC/);
    await chain.close();
  });
});
