/**
 * MEASUREMENT, not a test: executions per second of a trivial `put` through one CCaaS stream to the real
 * fabric-chaincode-node server, with a fixed number in flight. Proposals are built (and signed) beforehand so only
 * the runtime, the stream and the shim are timed.
 *
 *   node dist/network/peer/chaincode/measure-throughput.js [executions=5000] [inFlight=50]
 *
 * Prints one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { CcaasRuntime } from './ccaas-runtime.js';
import { startChaincodeServer, TEST_CONTRACT_DIR } from './chaincode-server.testkit.js';
import { MemoryState } from './memory-state.fake.js';
import { buildProposal, createTestIdentity, type TestProposal } from './signed-proposal.testkit.js';

const executions = Number(process.argv[2] ?? 5000);
const inFlight = Number(process.argv[3] ?? 50);
const PACKAGE_ID = 'shimtest:measure';

const server = await startChaincodeServer({ modulePath: TEST_CONTRACT_DIR, packageId: PACKAGE_ID });
const runtime = new CcaasRuntime();
try {
  await runtime.connect('shimtest', PACKAGE_ID, server.address);
  const identity = await createTestIdentity({ role: 'provider' });
  const state = new MemoryState();
  const build = (i: number): Promise<TestProposal> =>
    buildProposal(identity, {
      channelId: 'mychannel',
      chaincodeName: 'shimtest',
      args: ['put', `k${i}`, 'v'],
    });
  const run = async (proposal: TestProposal): Promise<void> => {
    const result = await runtime.execute({
      channelId: 'mychannel',
      txId: proposal.txId,
      chaincodeName: 'shimtest',
      signedProposal: proposal.signedProposal,
      input: proposal.input,
      readOnly: false,
      state,
      timeoutMs: 30_000,
    });
    if (result.status !== 200) throw new Error(`status ${result.status}: ${result.message}`);
  };

  // Warm-up: JIT on both sides, the shim's first-call metadata.
  await Promise.all((await Promise.all(Array.from({ length: 200 }, (_, i) => build(-i - 1)))).map(run));

  const proposals = await Promise.all(Array.from({ length: executions }, (_, i) => build(i)));
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const chaincodeCpuBefore = processCpuSeconds(server.pid);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < proposals.length) {
        const proposal = proposals[next++];
        if (proposal !== undefined) await run(proposal);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const chaincodeCpuSeconds = processCpuSeconds(server.pid) - chaincodeCpuBefore;
  process.stdout.write(
    `${JSON.stringify({
      executions,
      inFlight,
      seconds: Number(seconds.toFixed(3)),
      executionsPerSecond: Math.round(executions / seconds),
      // Where the time goes: CPU seconds of this (peer-side) process and of the chaincode server process.
      peerCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      chaincodeCpuSeconds: Number(chaincodeCpuSeconds.toFixed(2)),
      node: process.version,
    })}\n`,
  );
} finally {
  await runtime.close();
  await server.stop();
}

/** utime + stime of a Linux process from /proc/<pid>/stat, in seconds (clock ticks of 1/100 s). */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
