/**
 * Commit throughput of the channel ledger: blocks of small endorsed transactions (one missing-key read and one 1 KB
 * put each, signed by the client and one endorsing peer, low-S P-256) go through commitBlock: envelope and
 * endorsement signature checks, MVCC, the block store append and the state batch. Envelopes are built before the
 * clock starts. Prints one JSON line per run on stdout.
 *
 *   node dist/network/ledger/bench/commit-throughput.js [--txs 500] [--blocks 10] [--value-bytes 1024]
 *
 * Meant for `fhirledger bench` (bench/experiments.ts), not for the test suite: timings depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openChannelLedger } from '../channel-ledger.js';
import { MemoryBlockStore } from '../memory-block-store.fake.js';
import { buildBlock } from '../test-blocks.fake.js';
import { buildConfigTx, buildEndorserTx } from '../test-envelopes.fake.js';
import { makeIds, makePolicies } from '../test-ledger.fake.js';

const { values } = parseArgs({
  options: {
    txs: { type: 'string', default: '500' },
    blocks: { type: 'string', default: '10' },
    'value-bytes': { type: 'string', default: '1024' },
  },
});
const txsPerBlock = Number(values.txs);
const blockCount = Number(values.blocks);
const valueBytes = Number(values['value-bytes']);
for (const [name, value] of [
  ['--txs', txsPerBlock],
  ['--blocks', blockCount],
  ['--value-bytes', valueBytes],
] as const) {
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`${name} must be a positive whole number\n`);
    process.exit(2);
  }
}

const ids = makeIds();
const policies = makePolicies(ids);
const dir = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
try {
  const ledger = await openChannelLedger(dir, 'mychannel', new MemoryBlockStore(), policies);
  await ledger.commitBlock(buildBlock(0, [buildConfigTx().envelope]));

  const blocks: Uint8Array[] = [];
  for (let b = 1; b <= blockCount; b++) {
    const envelopes = Array.from({ length: txsPerBlock }, (_, i) => {
      const key = `patient-${b}-${i}`;
      return buildEndorserTx({
        creator: ids.client,
        endorsers: [ids.peer1],
        rwset: [{ namespace: 'basic', reads: [{ key }], writes: [{ key, value: randomBytes(valueBytes) }] }],
      }).envelope;
    });
    blocks.push(buildBlock(b, envelopes));
  }

  const perBlockMs: number[] = [];
  let invalid = 0;
  // CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns.
  const cpuBefore = process.cpuUsage();
  for (const block of blocks) {
    const start = process.hrtime.bigint();
    const committed = await ledger.commitBlock(block);
    perBlockMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    invalid += committed.transactions.filter((tx) => tx.code !== 0).length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  await ledger.close();

  const cpuMs = (cpu.user + cpu.system) / 1000;
  const totalMs = perBlockMs.reduce((sum, ms) => sum + ms, 0);
  const sorted = [...perBlockMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  process.stdout.write(
    `${JSON.stringify({
      experiment: 'ledger-commit-throughput',
      txsPerBlock,
      blocks: blockCount,
      valueBytes,
      invalid,
      txPerSecond: Math.round((txsPerBlock * blockCount) / (totalMs / 1000)),
      txPerCpuSecond: Math.round((txsPerBlock * blockCount) / (cpuMs / 1000)),
      medianBlockMs: Math.round(median),
      maxBlockMs: Math.round(sorted.at(-1) ?? 0),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage1m: loadavg()[0],
    })}\n`,
  );
  if (invalid > 0) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
