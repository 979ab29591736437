import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openChannelLedger } from './channel-ledger.js';
import { openHookedBlockStore } from './hooked-block-store.fake.js';
import { MemoryBlockStore } from './memory-block-store.fake.js';
import { WorldState } from './world-state.js';
import { makeIds, makePolicies } from './test-ledger.fake.js';

const CHILD = fileURLToPath(new URL('./crash-child.fake.js', import.meta.url));

/**
 * Runs the committing child until it has printed `lines` lines (one per committed block, or "appended n" when it
 * stalls between the block store and the state batch), waits `delayMs`, then SIGKILLs it.
 */
function runAndKill(
  dir: string,
  lines: number,
  delayMs: number,
  env: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let seen = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString().split('\n').length - 1;
      if (seen >= lines && child.exitCode === null && !child.killed) {
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`crash child exited with ${String(code)} before it was killed: ${stderr}`));
    });
  });
}

describe('crash recovery with a real SIGKILL', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-crash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a kill between the block append and the state batch leaves state one block behind; reopening replays it', async () => {
    await runAndKill(dir, 3, 0, { CRASH_AFTER_APPEND: '3' }); // blocks 1, 2 committed, then block 3 appended
    const store = await openHookedBlockStore(join(dir, 'blocks'));
    const state = await WorldState.open(join(dir, 'state'));
    assert.equal(store.height(), 4);
    assert.equal(await state.savepoint(), 2);
    await state.close();
    await store.close();
    await assertRecoveredEqualsFullReplay(dir, 4);
  });

  it('after kills at arbitrary points, reopening yields the state a full replay of the stored blocks yields', async () => {
    for (const delayMs of [0, 3, 7, 13, 1]) await runAndKill(dir, 2, delayMs);
    await assertRecoveredEqualsFullReplay(dir, 10);
  });
});

/** Opens the ledger in `dir` (replaying what it must) and compares it with a fresh full replay of its blocks. */
async function assertRecoveredEqualsFullReplay(dir: string, minimumHeight: number): Promise<void> {
  const ids = makeIds();
  const store = await openHookedBlockStore(join(dir, 'blocks'));
  const ledger = await openChannelLedger(join(dir, 'state'), 'mychannel', store, makePolicies(ids));
  const height = ledger.height();
  assert.ok(height >= minimumHeight, `the children committed ${height} blocks`);
  const recovered = await ledger.stateFingerprint();

  // Reference: a fresh state database replaying every stored block from its TRANSACTIONS_FILTER.
  const copy = new MemoryBlockStore();
  for (let n = 0; n < height; n++) {
    const bytes = await store.get(n);
    assert.ok(bytes !== undefined);
    copy.blocks.push(bytes);
  }
  const reference = await openChannelLedger(join(dir, 'reference'), 'mychannel', copy, makePolicies(ids));
  assert.equal(recovered, await reference.stateFingerprint());
  await reference.close();
  await ledger.close();
}
