/**
 * Test-only process that commits blocks on a ledger in `argv[2]` until it is killed, printing each committed block
 * number on stdout (see CRASH_AFTER_APPEND below). Its transactions read keys at their current versions and write them, many in the same block,
 * so the blocks mix VALID and MVCC_READ_CONFLICT transactions, writes and deletes.
 */
import { join } from 'node:path';
import { openChannelLedger } from './channel-ledger.js';
import { openHookedBlockStore } from './hooked-block-store.fake.js';
import { buildBlock } from './test-blocks.fake.js';
import { buildConfigTx, buildEndorserTx } from './test-envelopes.fake.js';
import { makeIds, makePolicies } from './test-ledger.fake.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child <dir>');
const ids = makeIds();
// With CRASH_AFTER_APPEND=<n>, the child announces block n once it is durable and then stalls before the state
// batch, so the parent can SIGKILL it exactly between the two writes.
const stallAfter = Number(process.env.CRASH_AFTER_APPEND ?? -1);
const store = await openHookedBlockStore(join(dir, 'blocks'), async (number) => {
  if (number !== stallAfter) return;
  process.stdout.write(`appended ${number}\n`);
  await new Promise((resolve) => setTimeout(resolve, 60_000));
});
const ledger = await openChannelLedger(join(dir, 'state'), 'mychannel', store, makePolicies(ids));
if (ledger.height() === 0) await ledger.commitBlock(buildBlock(0, [buildConfigTx().envelope]));

for (let round = 0; round < 10_000; round++) {
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const key = `k${(round * 7 + i) % 25}`;
    const current = await ledger.getState('basic', key);
    const remove = i % 9 === 8;
    envelopes.push(
      buildEndorserTx({
        creator: ids.client,
        endorsers: [ids.peer1],
        rwset: [
          {
            namespace: 'basic',
            reads: [{ key, ...(current === undefined ? {} : { version: current.version }) }],
            writes: [remove ? { key } : { key, value: `${round}-${i}` }],
          },
        ],
      }).envelope,
    );
  }
  const block = await ledger.commitBlock(buildBlock(ledger.height(), envelopes));
  process.stdout.write(`${block.number}\n`);
}
