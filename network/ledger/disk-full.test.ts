/**
 * The block store and the channel ledger on a real, full file system (a small tmpfs; needs root, and fails saying
 * so when mounting is refused): a write that fails must leave nothing half-written, and the ledger must commit
 * again, with the state its blocks imply, once space is back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fillFileSystem,
  isMountPoint,
  mountTmpfs,
  removeFile,
  unmount,
} from '../../common/scratch-mounts.js';
import { FileBlockStore } from './block-store.js';
import { openChannelLedger, type LevelChannelLedger } from './channel-ledger.js';
import { LedgerError } from './ledger-error.js';
import { MemoryBlockStore } from './memory-block-store.fake.js';
import { buildBlock } from './test-blocks.fake.js';
import { buildConfigTx, buildEndorserTx } from './test-envelopes.fake.js';
import { makeIds, makePolicies, type TestIds } from './test-ledger.fake.js';
import type { BlockStore } from './types.js';

const FRAME_HEADER = 8;

/** One transaction writing `key` with a value larger than a page, so page slack cannot absorb it. */
function bigPut(ids: TestIds, key: string, round: number): Uint8Array {
  return buildEndorserTx({
    creator: ids.client,
    endorsers: [ids.peer1],
    rwset: [{ namespace: 'basic', writes: [{ key, value: randomBytes(12_000).toString('hex') }] }],
    timestamp: new Date(1_700_000_000_000 + round),
  }).envelope;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('ledger on a full disk (real tmpfs)', function () {
  this.timeout(60_000);
  let root: string;
  let mount: string;
  /** Everything holding files on the mount, closed before it is unmounted (also when a test fails). */
  const closers: (() => Promise<void>)[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ledger-disk-full-'));
    mount = join(root, 'mnt');
    mkdirSync(mount);
    mountTmpfs(mount, 512 * 1024);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    if (isMountPoint(mount)) unmount(mount);
    rmSync(root, { recursive: true, force: true });
  });

  it('a block append that hits ENOSPC is cut back whole; after space is freed the same block appends', async () => {
    const { store } = await FileBlockStore.open(join(mount, 'blocks'));
    closers.push(() => store.close());
    const blocks = [0, 1, 2, 3].map(() => randomBytes(20_000));
    for (const [n, bytes] of blocks.slice(0, 3).entries()) await store.append(n, bytes);
    const filler = fillFileSystem(mount);

    await assert.rejects(store.append(3, blocks[3] ?? new Uint8Array()), { code: 'ENOSPC' });
    assert.equal(store.height(), 3);
    assert.equal(statSync(store.path).size, 3 * (FRAME_HEADER + 20_000), 'no partial frame left behind');

    removeFile(filler);
    await store.append(3, blocks[3] ?? new Uint8Array());
    await store.close();
    const reopened = await FileBlockStore.open(join(mount, 'blocks'));
    closers.push(() => reopened.store.close());
    assert.equal(reopened.truncatedBytes, 0);
    assert.equal(reopened.store.height(), 4);
    assert.deepEqual(Buffer.from((await reopened.store.get(3)) ?? []), blocks[3]);
  });

  it('a block the store refuses is not committed; the ledger says why, then commits it once space is back', async () => {
    const ids = makeIds();
    const { store } = await FileBlockStore.open(join(mount, 'blocks'));
    const ledger = await open(join(mount, 'state'), store, ids);
    const filler = fillFileSystem(mount);
    const block = buildBlock(2, [bigPut(ids, 'refused', 2)]);

    await assert.rejects(ledger.commitBlock(block));
    assert.equal(ledger.height(), 2);
    assert.equal(await ledger.getState('basic', 'refused'), undefined);
    const failure = ledger.commitFailure();
    assert.ok(failure instanceof LedgerError);
    assert.equal(failure.code, 'LEDGER_WRITE_FAILED');
    assert.match(failure.message, /^channel mychannel: block 2 was not stored: /);

    removeFile(filler);
    await ledger.commitBlock(block);
    assert.equal(ledger.commitFailure(), undefined);
    assert.ok((await ledger.getState('basic', 'refused')) !== undefined);
    assert.equal(await ledger.stateFingerprint(), await referenceFingerprint(ids, store));
  });

  it('a state batch that hits ENOSPC after the block is stored is rebuilt from the block store, without a restart', async () => {
    const ids = makeIds();
    const store = new MemoryBlockStore(); // off the full disk: the block is stored, the state batch is not
    const ledger = await open(join(mount, 'state'), store, ids);
    const filler = fillFileSystem(mount);

    await assert.rejects(ledger.commitBlock(buildBlock(2, [bigPut(ids, 'stale', 2)])));
    assert.equal(store.height(), 3);
    assert.equal(await ledger.getState('basic', 'stale'), undefined);
    assert.match(
      ledger.commitFailure()?.message ?? '',
      /^channel mychannel: block 2 is stored but its state update failed; the state is rebuilt from the block store: /,
    );
    // Still full: the next block cannot be committed either, and the failure stays reported.
    await assert.rejects(ledger.commitBlock(buildBlock(3, [bigPut(ids, 'later', 3)])));
    assert.ok(ledger.commitFailure() !== undefined);

    removeFile(filler);
    assert.ok(await waitFor(() => ledger.commitFailure() === undefined, 10_000), 'state rebuilt within 10 s');
    assert.ok((await ledger.getState('basic', 'stale')) !== undefined);
    await ledger.commitBlock(buildBlock(3, [bigPut(ids, 'later', 3)]));
    assert.equal(await ledger.stateFingerprint(), await referenceFingerprint(ids, store));
  });

  async function open(stateDir: string, store: BlockStore, ids: TestIds): Promise<LevelChannelLedger> {
    const ledger = await openChannelLedger(stateDir, 'mychannel', store, makePolicies(ids));
    closers.push(() => ledger.close());
    await ledger.commitBlock(buildBlock(0, [buildConfigTx().envelope]));
    await ledger.commitBlock(buildBlock(1, [bigPut(ids, 'before', 1)]));
    return ledger;
  }

  /** A fresh state database replayed from the same blocks: what the state must be if nothing was half-committed. */
  async function referenceFingerprint(ids: TestIds, store: BlockStore): Promise<string> {
    const copy = new MemoryBlockStore();
    for (let n = 0; n < store.height(); n++) await copy.append(n, (await store.get(n)) ?? new Uint8Array());
    const reference = await openChannelLedger(join(root, 'reference'), 'mychannel', copy, makePolicies(ids));
    closers.push(() => reference.close());
    return reference.stateFingerprint();
  }
});
