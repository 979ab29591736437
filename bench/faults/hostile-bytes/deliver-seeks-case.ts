/**
 * Case `deliver-seeks`: signed Deliver requests that ask for blocks the chain does not have, to the peer and the
 * orderer, each answered as common/deliver/deliver.go does:
 * - FAIL_IF_NOT_READY from the next block, and from far past it → NOT_FOUND;
 * - BLOCK_UNTIL_READY from far past the next block → NOT_FOUND (FileLedger.Iterator cannot reach it);
 * - a start after the stop → BAD_REQUEST;
 * - BLOCK_UNTIL_READY for the next block waits (nothing sent) until the client cancels, and the node then releases
 *   the wait: Fabric's deliver_streams_closed catches up with deliver_streams_opened. Idle streams (a SUCCESS, then
 *   nothing) cancelled likewise. A block committed afterwards proves the node still serves.
 */
import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import type { FaultCase, FaultOutcome } from '../fault-case.js';
import { deliverStatus, fabricStatusName, seekEnvelope, type SeekPoint } from './fabric-requests.js';
import { CHANNEL, HostileDevnet } from './hostile-devnet.js';
import { hostileOutcome } from './hostile-outcome.js';
import { rawBidi, statusName } from './raw-grpc.js';

const DELIVER = { peer: '/protos.Deliver/Deliver', orderer: '/orderer.AtomicBroadcast/Deliver' } as const;
const CALL_DEADLINE_MS = 15_000;
/** Streams left waiting, then cancelled, per node: enough that a leak per stream shows in the counters. */
const WAITING_STREAMS = 20;
const WAIT_BEFORE_CANCEL_MS = 1_500;
const FAR = 1_000;

interface SeekProbe {
  readonly name: string;
  readonly start: SeekPoint;
  readonly stop: SeekPoint;
  readonly behavior: 'block-until-ready' | 'fail-if-not-ready';
  readonly expected: number;
}

function probes(height: number): SeekProbe[] {
  return [
    {
      name: 'FAIL_IF_NOT_READY from the next block',
      start: { specified: height },
      stop: { specified: height + 10 },
      behavior: 'fail-if-not-ready',
      expected: common.Status.NOT_FOUND,
    },
    {
      name: `FAIL_IF_NOT_READY from ${FAR} blocks past the end`,
      start: { specified: height + FAR },
      stop: { specified: height + FAR },
      behavior: 'fail-if-not-ready',
      expected: common.Status.NOT_FOUND,
    },
    {
      name: `BLOCK_UNTIL_READY from ${FAR} blocks past the end`,
      start: { specified: height + FAR },
      stop: { specified: height + FAR },
      behavior: 'block-until-ready',
      expected: common.Status.NOT_FOUND,
    },
    {
      name: 'start (block 1) after stop (block 0)',
      start: { specified: 1 },
      stop: { specified: 0 },
      behavior: 'block-until-ready',
      expected: common.Status.BAD_REQUEST,
    },
  ];
}

/** deliver_streams_opened / deliver_streams_closed from a node's /metrics. */
async function streamCounters(target: HostileDevnet, node: 'peer' | 'orderer') {
  const text = await target.metrics(node);
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { opened: read('deliver_streams_opened'), closed: read('deliver_streams_closed') };
}

/**
 * Streams opened and closed since `before`, polled until they match, for at most 5 s. Deltas, because the
 * orderer always holds one stream open: the peer's own block puller.
 */
async function streamsSince(
  target: HostileDevnet,
  node: 'peer' | 'orderer',
  before: { opened: number; closed: number },
) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const now = await streamCounters(target, node);
    const delta = { opened: now.opened - before.opened, closed: now.closed - before.closed };
    if (delta.opened === delta.closed || Date.now() > deadline) return delta;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const deliverSeeksCase: FaultCase = {
  id: 'deliver-seeks',
  group: 'hostile-bytes',
  summary: `Deliver seeks past the end, start after stop, and ${WAITING_STREAMS} waiting seeks cancelled (peer and orderer)`,
  run: (context) =>
    HostileDevnet.with(context, async (target): Promise<FaultOutcome> => {
      // One commit first, so block 1 exists and "start 1 after stop 0" is about the order, not the height.
      const first = await target.ehrWriteCommits();
      const checks: Record<string, boolean> = { 'a block was committed before the seeks': first.ok };
      const seen: Record<string, unknown>[] = [];
      const heights = Object.fromEntries(target.devnet.status().map((n) => [n.name, n.ledgerHeight ?? 0]));
      const height = Math.min(heights['peer0.org1.example.com'] ?? 0, heights['orderer.example.com'] ?? 0);

      for (const node of ['peer', 'orderer'] as const) {
        for (const probe of probes(height)) {
          const seek = seekEnvelope(target.user1, CHANNEL, probe.start, probe.stop, probe.behavior);
          const result = await rawBidi(target[node], DELIVER[node], [seek], {
            deadlineMs: CALL_DEADLINE_MS,
            halfClose: false,
          });
          const status = deliverStatus(result.responses);
          // The stream must end by itself after the status, as Fabric's Handle returns (no half-close sent).
          checks[`${node}: ${probe.name} → ${fabricStatusName(probe.expected)}, stream ended`] =
            status === probe.expected && result.code === grpc.status.OK && result.responses.length === 1;
          seen.push({
            node,
            seek: probe.name,
            status: fabricStatusName(status),
            grpc: statusName(result.code),
            ms: result.ms,
          });
        }

        const before = await streamCounters(target, node);
        const waiting = Array.from({ length: WAITING_STREAMS }, () =>
          rawBidi(
            target[node],
            DELIVER[node],
            [
              seekEnvelope(
                target.user1,
                CHANNEL,
                { specified: height },
                { specified: height },
                'block-until-ready',
              ),
            ],
            { deadlineMs: CALL_DEADLINE_MS, halfClose: false, cancelAfterMs: WAIT_BEFORE_CANCEL_MS },
          ),
        );
        // Idle: served newest, then left open with nothing asked, then cancelled.
        const idle = Array.from({ length: WAITING_STREAMS }, () =>
          rawBidi(
            target[node],
            DELIVER[node],
            [seekEnvelope(target.user1, CHANNEL, 'newest', 'newest', 'block-until-ready')],
            { deadlineMs: CALL_DEADLINE_MS, halfClose: false, cancelAfterMs: WAIT_BEFORE_CANCEL_MS },
          ),
        );
        const waited = await Promise.all(waiting);
        const idled = await Promise.all(idle);
        const since = await streamsSince(target, node, before);
        checks[`${node}: ${WAITING_STREAMS} seeks for the next block sent nothing until cancelled`] =
          waited.every((r) => r.code === grpc.status.CANCELLED && r.responses.length === 0);
        checks[`${node}: ${WAITING_STREAMS} idle streams got newest + SUCCESS, then were cancelled`] =
          idled.every(
            (r) => r.code === grpc.status.CANCELLED && deliverStatus(r.responses) === common.Status.SUCCESS,
          );
        checks[`${node}: every cancelled stream released (deliver_streams_closed rose as opened did)`] =
          since.opened === 2 * WAITING_STREAMS && since.closed === since.opened;
        seen.push({ node, streamsOpened: since.opened, streamsClosed: since.closed });
        context.log(`${node}: ${since.opened} deliver streams opened, ${since.closed} closed`);
      }
      const serving = await target.stillServing();
      Object.assign(checks, serving.checks);
      const wrong = Object.entries(checks).filter(([, ok]) => !ok);
      return hostileOutcome({
        id: 'deliver-seeks',
        done:
          `At height ${height}, sent 4 bad seeks to the peer's and the orderer's Deliver, then opened ` +
          `${WAITING_STREAMS} seeks waiting for the next block and ${WAITING_STREAMS} idle streams on each and ` +
          `cancelled them after ${WAIT_BEFORE_CANCEL_MS} ms.`,
        happened:
          (wrong.length === 0
            ? 'Every seek got Fabric’s status and ended its stream; every cancelled stream was released'
            : `Not as Fabric: ${wrong.map(([name]) => name).join('; ')}`) + `; afterwards ${serving.detail}.`,
        checks,
        details: { height, seeks: seen },
      });
    }),
};
