import assert from 'node:assert/strict';
import { common } from '@hyperledger/fabric-protos';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { readChainTip } from './chain-tip.js';
import { ChannelChain } from './channel-chain.js';
import { OrdererMetrics } from './metrics.js';
import { InProcessOrderingLog, type OrderingEntry, type OrderingLog } from './ordering-log.js';
import { MemoryBlockStore as MemoryStore } from '../ledger/memory-block-store.fake.js';
import { channelInput, createPki, type Pki } from './testkit/orderer-fixture.js';

/** A log that records entries and hands them over only when told, as a replicated log would after consensus. */
class ManualLog implements OrderingLog {
  readonly appended: OrderingEntry[] = [];
  private consumer: ((entry: OrderingEntry) => void) | undefined;
  append(entry: OrderingEntry): Promise<void> {
    this.appended.push(entry);
    return Promise.resolve();
  }
  consume(consumer: (entry: OrderingEntry) => void): void {
    this.consumer = consumer;
  }
  deliver(entry: OrderingEntry): void {
    this.consumer?.(entry);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const txCounts = (store: MemoryStore): number[] =>
  store.blocks.map((b) => common.Block.deserializeBinary(b).getData()?.getDataList().length ?? 0);
const tick = () => new Promise((r) => setImmediate(r));

describe('ChannelChain', () => {
  let pki: Pki;
  before(async () => {
    pki = await createPki();
  });

  async function chainWith(log: OrderingLog, batchTimeoutMs: number, onError?: (e: Error) => void) {
    const input = channelInput(pki, 'mychannel', {
      maxMessageCount: 3,
      absoluteMaxBytes: 1 << 20,
      preferredMaxBytes: 1 << 19,
      batchTimeoutMs,
    });
    const store = new MemoryStore();
    await store.append(0, buildGenesisBlock(input).bytes);
    const chain = new ChannelChain({
      channelId: 'mychannel',
      config: decodeConfigBlock(store.blocks[0] ?? new Uint8Array()),
      store,
      log,
      signer: pki.ordererId.signer,
      tip: await readChainTip(store),
      metrics: new OrdererMetrics(),
      onError,
    });
    return { chain, store };
  }

  it('turns the batch timer into a time-to-cut log entry and cuts only when that entry is consumed', async () => {
    const log = new ManualLog();
    const { chain, store } = await chainWith(log, 20);
    log.deliver({ kind: 'envelope', envelope: Buffer.from('a'), size: 1 });
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(log.appended, [{ kind: 'time-to-cut', blockNumber: 1 }]);
    assert.equal(store.height(), 1, 'the timer alone does not cut');
    log.deliver({ kind: 'time-to-cut', blockNumber: 1 });
    log.deliver({ kind: 'time-to-cut', blockNumber: 1 }); // a second replica's proposal: no-op
    await tick();
    assert.deepEqual(txCounts(store), [1, 1]);
    await chain.close();
  });

  it('ignores a stale time-to-cut that arrives after the block was cut by count', async () => {
    const log = new ManualLog();
    const { chain, store } = await chainWith(log, 10_000);
    for (const label of ['a', 'b', 'c', 'd'])
      log.deliver({ kind: 'envelope', envelope: Buffer.from(label), size: 1 });
    log.deliver({ kind: 'time-to-cut', blockNumber: 1 });
    await tick();
    assert.deepEqual(
      txCounts(store),
      [1, 3],
      "'d' stays pending: the entry names block 1, which is already cut",
    );
    log.deliver({ kind: 'time-to-cut', blockNumber: 2 });
    await tick();
    assert.deepEqual(txCounts(store), [1, 3, 1]);
    await chain.close();
  });

  it('wakes waiters when their block is stored, and writes the pending batch on close', async () => {
    const { chain, store } = await chainWith(new InProcessOrderingLog(), 10_000);
    const waited = chain.waitForBlock(1);
    await chain.order(Buffer.from('x'), 1);
    await chain.order(Buffer.from('y'), 1);
    await chain.order(Buffer.from('z'), 1);
    await waited;
    await chain.order(Buffer.from('late'), 1);
    await chain.close();
    assert.deepEqual(txCounts(store), [1, 3, 1]);
  });

  it('drops its abort listener once a wait settles (one Deliver stream waits on one signal per block)', async () => {
    const { chain } = await chainWith(new InProcessOrderingLog(), 10_000);
    const abort = new AbortController();
    let listeners = 0;
    const signal = abort.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    };
    for (let n = 1; n <= 20; n++) {
      const waited = chain.waitForBlock(n, signal);
      for (const label of ['a', 'b', 'c']) await chain.order(Buffer.from(label), 1);
      await waited;
    }
    assert.equal(listeners, 0);
    const pending = chain.waitForBlock(21, signal);
    abort.abort();
    await assert.rejects(pending, /aborted/);
    await chain.close();
  });

  it('halts on a failed append: waiters are rejected and new work is refused', async () => {
    const errors: Error[] = [];
    const { chain, store } = await chainWith(new InProcessOrderingLog(), 10_000, (e) => errors.push(e));
    store.failAppends = true;
    const waited = chain.waitForBlock(1);
    for (const label of ['a', 'b', 'c']) await chain.order(Buffer.from(label), 1);
    await assert.rejects(waited, { code: 'CHAIN_HALTED' });
    assert.match(chain.error?.message ?? '', /ENOSPC/);
    assert.equal(errors.length, 1);
    await assert.rejects(chain.order(Buffer.from('d'), 1), { code: 'CHAIN_HALTED' });
    await chain.close();
  });
});
