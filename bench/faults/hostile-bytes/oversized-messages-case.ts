/**
 * Case `oversized-messages`: one byte more than the gRPC receive limit Fabric's peer and orderer use (100 MiB,
 * peer.maxRecvMsgSize / General.MaxRecvMsgSize; the devnet sets the same) to a unary method (Gateway.Evaluate) and
 * two streams (peer Deliver, orderer Broadcast) → RESOURCE_EXHAUSTED from the gRPC layer, as grpc-go answers; and
 * an envelope under that limit but over the channel's BatchSize.AbsoluteMaxBytes (10 MiB) to Broadcast → the
 * orderer's size filter answers BAD_REQUEST (orderer/common/msgprocessor MaxBytesRule). The nodes must not buffer
 * the oversized message (their resident memory is read before and after) and must still serve afterwards.
 */
import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { signedEnvelope } from '../../../network/protocol/signed-envelope.js';
import type { FaultCase, FaultOutcome } from '../fault-case.js';
import { broadcastStatus, fabricStatusName } from './fabric-requests.js';
import { CHANNEL, FABRIC_MAX_MESSAGE_BYTES, HostileDevnet } from './hostile-devnet.js';
import { hostileOutcome } from './hostile-outcome.js';
import { rawBidi, rawUnary, statusName, type RawCallResult } from './raw-grpc.js';

/** The channel's BatchSize.AbsoluteMaxBytes in the devnet's genesis block (network/protocol/channel-config.ts). */
const ABSOLUTE_MAX_BYTES = 10 * 1024 * 1024;
const CALL_DEADLINE_MS = 60_000;
const MIB = 1024 * 1024;

interface Sent {
  readonly node: 'peer' | 'orderer';
  readonly method: string;
  readonly result: RawCallResult;
}

export const oversizedMessagesCase: FaultCase = {
  id: 'oversized-messages',
  group: 'hostile-bytes',
  summary:
    '100 MiB + 1 byte to Gateway.Evaluate, Deliver and Broadcast; a 10 MiB + 1 KiB envelope to Broadcast',
  run: (context) =>
    HostileDevnet.with(context, async (target): Promise<FaultOutcome> => {
      const rssBefore = { peer: target.rssMiB('peer'), orderer: target.rssMiB('orderer') };
      // Zero-filled and allocated once: the pages stay shared until grpc-js copies them into its frame.
      const oversized = Buffer.alloc(FABRIC_MAX_MESSAGE_BYTES + 1);
      const sent: Sent[] = [];
      const send = async (node: Sent['node'], method: string, stream: boolean) => {
        const client = node === 'peer' ? target.peer : target.orderer;
        const result = stream
          ? await rawBidi(client, method, [oversized], { deadlineMs: CALL_DEADLINE_MS, halfClose: true })
          : await rawUnary(client, method, oversized, CALL_DEADLINE_MS);
        context.log(`${method} ← ${oversized.length} bytes: ${statusName(result.code)} ${result.details}`);
        sent.push({ node, method, result });
      };
      await send('peer', '/gateway.Gateway/Evaluate', false);
      await send('peer', '/protos.Deliver/Deliver', true);
      await send('orderer', '/orderer.AtomicBroadcast/Broadcast', true);
      const rssAfter = { peer: target.rssMiB('peer'), orderer: target.rssMiB('orderer') };

      // Well signed and on the channel, so the size filter is the first check it fails.
      const overBatch = signedEnvelope(
        common.HeaderType.ENDORSER_TRANSACTION,
        CHANNEL,
        Buffer.alloc(ABSOLUTE_MAX_BYTES + 1024, 0x61),
        target.user1,
      );
      const batchResult = await rawBidi(
        target.orderer,
        '/orderer.AtomicBroadcast/Broadcast',
        [Buffer.from(overBatch.serializeBinary())],
        { deadlineMs: CALL_DEADLINE_MS, halfClose: true },
      );
      const batchStatus = broadcastStatus(batchResult.responses);
      const serving = await target.stillServing();

      const checks: Record<string, boolean> = {};
      for (const { method, result } of sent) {
        checks[`${method} over 100 MiB → RESOURCE_EXHAUSTED`] =
          result.code === grpc.status.RESOURCE_EXHAUSTED;
      }
      checks['Broadcast over AbsoluteMaxBytes → BAD_REQUEST'] =
        batchResult.code === grpc.status.OK && batchStatus === common.Status.BAD_REQUEST;
      // Buffering the message would cost at least its size; anything well under it means it was refused unread.
      for (const node of ['peer', 'orderer'] as const) {
        checks[`${node} did not buffer the 100 MiB message (RSS grew < 50 MiB)`] =
          rssAfter[node] - rssBefore[node] < 50;
      }
      Object.assign(checks, serving.checks);
      return hostileOutcome({
        id: 'oversized-messages',
        done:
          `Sent ${FABRIC_MAX_MESSAGE_BYTES + 1} bytes (100 MiB + 1) to the peer's Gateway.Evaluate and Deliver and ` +
          `the orderer's Broadcast, and a signed ${((ABSOLUTE_MAX_BYTES + 1024) / MIB).toFixed(3)} MiB envelope ` +
          'to Broadcast.',
        happened:
          sent
            .map(({ method, result }) => `${method}: ${statusName(result.code)} "${result.details}"`)
            .join('; ') +
          `; the 10 MiB envelope: ${statusName(batchResult.code)} + ${fabricStatusName(batchStatus)}` +
          ` (${batchResult.details || 'no details'}); RSS peer ${rssBefore.peer.toFixed(0)} → ` +
          `${rssAfter.peer.toFixed(0)} MiB, orderer ${rssBefore.orderer.toFixed(0)} → ` +
          `${rssAfter.orderer.toFixed(0)} MiB; afterwards ${serving.detail}.`,
        checks,
        details: {
          sent: sent.map(({ node, method, result }) => ({
            node,
            method,
            code: statusName(result.code),
            details: result.details,
            ms: result.ms,
          })),
          overBatchEnvelope: {
            code: statusName(batchResult.code),
            status: fabricStatusName(batchStatus),
            ms: batchResult.ms,
          },
          rssMiB: { before: rssBefore, after: rssAfter },
        },
      });
    }),
};
