/**
 * The Raft-replicated ordering log against a real etcd member (Debian's etcd-server, as the paper profile runs it;
 * scripts/ensure-etcd.sh installs it): replicas that append through it cut identical blocks, a replica restarted
 * from its stored chain replays the log from the block's raft_index and rejoins the same hash chain, and an append
 * with no etcd to take it fails with RAFT_UNAVAILABLE. Ports 43140/43141 (offset 36000).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { MemoryBlockStore } from '../ledger/memory-block-store.fake.js';
import { blockHeaderHash } from '../protocol/block-hash.js';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import { buildGenesisBlock } from '../protocol/channel-config.js';
import { logPositionOf, readChainTip } from './chain-tip.js';
import { ChannelChain } from './channel-chain.js';
import { decodeEntry, encodeEntry, EtcdOrderingLog, RaftUnavailableError } from './etcd-ordering-log.js';
import { channelInput, createPki, type Pki } from './testkit/orderer-fixture.js';

const CLIENT = 'http://127.0.0.1:43140';
const PEER = 'http://127.0.0.1:43141';
const GENESIS_TIME = new Date('2026-11-30T00:00:00Z');

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting until ${what}`);
}

const headerHashes = (store: MemoryBlockStore): string[] =>
  store.blocks.map((bytes) => {
    const header = common.Block.deserializeBinary(bytes).getHeader();
    if (header === undefined) throw new Error('block without header');
    return Buffer.from(
      blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()),
    ).toString('hex');
  });

/** Envelopes in blocks 1.. (block 0 is the genesis config). */
const ordered = (store: MemoryBlockStore): number =>
  store.blocks
    .slice(1)
    .reduce(
      (sum, bytes) => sum + (common.Block.deserializeBinary(bytes).getData()?.getDataList().length ?? 0),
      0,
    );

describe('EtcdOrderingLog (Raft-replicated ordering log on etcd)', function () {
  this.timeout(60_000);
  let etcd: ChildProcess;
  let dataDir: string;
  let pki: Pki;
  let channel = 'chan';

  before(async () => {
    pki = await createPki();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-etcd-'));
    etcd = spawn(
      'etcd',
      [
        '--name',
        'test',
        '--data-dir',
        dataDir,
        '--listen-client-urls',
        CLIENT,
        '--advertise-client-urls',
        CLIENT,
        '--listen-peer-urls',
        PEER,
        '--initial-advertise-peer-urls',
        PEER,
        '--initial-cluster',
        `test=${PEER}`,
        '--logger',
        'zap',
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    etcd.on('error', (error) => {
      process.stderr.write(`etcd could not start (run scripts/ensure-etcd.sh): ${error.message}\n`);
    });
    await waitFor('etcd is healthy', async () => {
      try {
        return (await fetch(`${CLIENT}/health`, { signal: AbortSignal.timeout(500) })).ok;
      } catch {
        return false;
      }
    });
  });

  after(() => {
    etcd.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    channel = `chan-${randomBytes(4).toString('hex')}`;
  });

  async function replica(store?: MemoryBlockStore) {
    const input = channelInput(pki, 'mychannel', {
      maxMessageCount: 3,
      absoluteMaxBytes: 1 << 20,
      preferredMaxBytes: 1 << 19,
      batchTimeoutMs: 200,
    });
    const own = store ?? new MemoryBlockStore();
    // One channel, one genesis block: its config envelope is stamped in whole seconds, so two replicas that each
    // built their own a second apart (a loaded machine) would start different chains.
    if (own.height() === 0) await own.append(0, buildGenesisBlock(input, GENESIS_TIME).bytes);
    const tip = await readChainTip(own);
    const log = new EtcdOrderingLog({
      clientUrl: CLIENT,
      channelId: channel,
      resumeAfter: tip.logPosition ?? 0,
    });
    const chain = new ChannelChain({
      channelId: 'mychannel',
      config: decodeConfigBlock(own.blocks[0] ?? new Uint8Array()),
      store: own,
      log,
      signer: pki.ordererId.signer,
      tip,
    });
    return { chain, store: own };
  }

  const envelope = (n: number) => Buffer.from(`envelope-${n}-${randomBytes(8).toString('hex')}`);

  it('encodes envelopes and time-to-cut entries losslessly, with their log position', () => {
    const bytes = envelope(1);
    assert.deepEqual(decodeEntry(encodeEntry({ kind: 'envelope', envelope: bytes, size: 42 }), 7), {
      kind: 'envelope',
      envelope: bytes,
      size: 42,
      position: 7,
    });
    assert.deepEqual(decodeEntry(encodeEntry({ kind: 'time-to-cut', blockNumber: 12 }), 9), {
      kind: 'time-to-cut',
      blockNumber: 12,
      position: 9,
    });
    assert.throws(() => decodeEntry(Buffer.from([7, 1, 2]), 3), /not an entry this orderer wrote/);
  });

  it('gives two replicas appending through it the same blocks, cut at the same log positions', async () => {
    const a = await replica();
    const b = await replica();
    // Interleaved appends from both replicas; 8 envelopes → blocks of 3, 3 and (after the timeout) 2.
    for (let n = 0; n < 8; n++) await (n % 2 === 0 ? a : b).chain.order(envelope(n), 20);
    await waitFor('both replicas ordered all 8', () => ordered(a.store) === 8 && ordered(b.store) === 8);
    assert.deepEqual(headerHashes(b.store), headerHashes(a.store));
    const positions = a.store.blocks.map((bytes) => logPositionOf(common.Block.deserializeBinary(bytes)));
    assert.deepEqual(
      positions,
      b.store.blocks.map((bytes) => logPositionOf(common.Block.deserializeBinary(bytes))),
    );
    assert.equal(positions[0], 0);
    assert.ok((positions[1] ?? 0) > 0 && (positions[2] ?? 0) > (positions[1] ?? 0), String(positions));
    await a.chain.close();
    await b.chain.close();
  });

  it('lets a replica that stopped with a pending batch replay the log and rejoin the same hash chain', async () => {
    const a = await replica();
    const b = await replica();
    for (let n = 0; n < 4; n++) await a.chain.order(envelope(n), 20);
    await waitFor('a block of 3 on both', () => a.store.height() >= 2 && b.store.height() >= 2);
    // b stops, probably with envelope 3 pending: it must not cut it alone (a's next block holds it and more).
    const bBlocks = b.store.blocks.slice();
    await b.chain.close();
    assert.equal(b.store.height(), bBlocks.length);
    for (let n = 4; n < 9; n++) await a.chain.order(envelope(n), 20);
    await waitFor('a ordered all 9', () => ordered(a.store) === 9);
    const restarted = new MemoryBlockStore();
    for (const [number, bytes] of bBlocks.entries()) await restarted.append(number, bytes);
    const again = await replica(restarted);
    await waitFor('the restarted replica caught up', () => again.store.height() === a.store.height());
    assert.deepEqual(headerHashes(again.store), headerHashes(a.store));
    await a.chain.close();
    await again.chain.close();
  });

  it('refuses an append with RAFT_UNAVAILABLE when no etcd member takes it in time', async () => {
    const log = new EtcdOrderingLog({
      clientUrl: 'http://127.0.0.1:43149',
      channelId: channel,
      resumeAfter: 0,
      appendTimeoutMs: 500,
    });
    await assert.rejects(
      log.append({ kind: 'time-to-cut', blockNumber: 1 }),
      (error: unknown) =>
        error instanceof RaftUnavailableError &&
        (error as { code?: string }).code === 'RAFT_UNAVAILABLE' &&
        /no Raft quorum accepted the entry within 500 ms/.test(error.message),
    );
    await log.close();
  });
});
