/**
 * orderer.AtomicBroadcast/Deliver as common/deliver/deliver.go: a signed SeekInfo envelope, Readers checked, then
 * blocks from start to stop, then a status. Non-SUCCESS statuses end the stream; after SUCCESS the client may send
 * another SeekInfo. Blocks go out as their stored bytes, never decoded and re-encoded.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { IdentityValidator } from '../msp/types.js';
import type { ChannelLookup, ReceivedEnvelope } from './broadcast.js';
import { checkEnvelopeAccess, openEnvelope } from './envelope-access.js';
import type { OrdererMetrics } from './metrics.js';

const Status = common.Status;
type StatusValue = common.StatusMap[keyof common.StatusMap];

export interface DeliverDeps {
  readonly channels: ChannelLookup;
  readonly identities: IdentityValidator;
  readonly metrics?: OrdererMetrics;
  /** Allowed clock skew of the SeekInfo envelope's timestamp; Fabric's General.Authentication.TimeWindow, 15 min. */
  readonly timeWindowMs?: number;
}

/** What the Deliver loop writes: pre-encoded DeliverResponse bytes (see encodeDeliverBlock). */
export interface DeliverSink {
  sendBlock(blockBytes: Uint8Array): Promise<void>;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** bytes(DeliverResponse{block}) built around the stored block bytes: field 2, length-delimited. */
export function encodeDeliverBlock(blockBytes: Uint8Array): Uint8Array {
  const prefix = Uint8Array.from([0x12, ...varint(blockBytes.length)]);
  const out = new Uint8Array(prefix.length + blockBytes.length);
  out.set(prefix);
  out.set(blockBytes, prefix.length);
  return out;
}

/** bytes(DeliverResponse{status}): field 1, varint. */
export function encodeDeliverStatus(status: StatusValue): Uint8Array {
  return Uint8Array.from([0x08, ...varint(status)]);
}

function timestampMs(channelHeader: common.ChannelHeader): number | undefined {
  const ts = channelHeader.getTimestamp();
  return ts ? ts.getSeconds() * 1000 + ts.getNanos() / 1e6 : undefined;
}

/** One SeekInfo request: streams the blocks it asks for and returns the closing status. */
export async function deliverBlocks(
  received: ReceivedEnvelope,
  deps: DeliverDeps,
  sink: DeliverSink,
  signal: AbortSignal,
): Promise<StatusValue> {
  const { envelope } = received;
  let opened;
  try {
    opened = openEnvelope(envelope);
  } catch {
    return Status.BAD_REQUEST;
  }
  const { channelHeader, payload } = opened;
  const sent = timestampMs(channelHeader);
  if (sent === undefined || Math.abs(Date.now() - sent) > (deps.timeWindowMs ?? 15 * 60_000))
    return Status.BAD_REQUEST;
  const channelId = channelHeader.getChannelId();
  const chain = deps.channels.getChannel(channelId);
  if (!chain) return Status.NOT_FOUND;
  deps.metrics?.add('deliver_requests_received', { channel: channelId, filtered: 'false' });
  if (chain.error) return Status.SERVICE_UNAVAILABLE;

  const access = checkEnvelopeAccess(envelope, opened, chain.config.policies, 'Readers', deps.identities);
  if (!access.ok) return access.malformed ? Status.BAD_REQUEST : Status.FORBIDDEN;

  let seekInfo: orderer.SeekInfo;
  try {
    seekInfo = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
  } catch {
    return Status.BAD_REQUEST;
  }
  const start = seekInfo.getStart();
  const stop = seekInfo.getStop();
  if (!start || !stop) return Status.BAD_REQUEST;

  const height = chain.height();
  let number: number;
  switch (start.getTypeCase()) {
    case orderer.SeekPosition.TypeCase.OLDEST:
      number = 0;
      break;
    case orderer.SeekPosition.TypeCase.NEWEST:
      number = height - 1;
      break;
    case orderer.SeekPosition.TypeCase.SPECIFIED:
      number = start.getSpecified()?.getNumber() ?? 0;
      // fileledger's Iterator: a start past the next block to be written can never be reached in order.
      if (number > height) return Status.NOT_FOUND;
      break;
    case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
      number = height;
      break;
    default:
      return Status.BAD_REQUEST;
  }

  let stopNumber: number;
  switch (stop.getTypeCase()) {
    case orderer.SeekPosition.TypeCase.OLDEST:
      stopNumber = number;
      break;
    case orderer.SeekPosition.TypeCase.NEWEST:
      // Start and stop both NEWEST: exactly one block, even if another lands meanwhile.
      stopNumber = start.getTypeCase() === orderer.SeekPosition.TypeCase.NEWEST ? number : chain.height() - 1;
      break;
    case orderer.SeekPosition.TypeCase.SPECIFIED:
      stopNumber = stop.getSpecified()?.getNumber() ?? 0;
      if (stopNumber < number) return Status.BAD_REQUEST;
      break;
    case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
      stopNumber = chain.height();
      break;
    default:
      return Status.BAD_REQUEST;
  }

  const failIfNotReady = seekInfo.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
  for (;;) {
    if (failIfNotReady && number > chain.height() - 1) return Status.NOT_FOUND;
    try {
      await chain.waitForBlock(number, signal);
    } catch {
      if (signal.aborted) return Status.INTERNAL_SERVER_ERROR;
      return Status.SERVICE_UNAVAILABLE;
    }
    const block = await chain.getBlock(number);
    if (!block) return Status.NOT_FOUND;
    await sink.sendBlock(block);
    deps.metrics?.add('deliver_blocks_sent', { channel: channelId, filtered: 'false' });
    if (number === stopNumber) break;
    number++;
  }
  return Status.SUCCESS;
}

/** The grpc-js handler; the service definition's response serializer passes these pre-encoded bytes through. */
export function deliverHandler(
  deps: DeliverDeps,
): (call: ServerDuplexStream<ReceivedEnvelope, Uint8Array>) => void {
  return (call) => {
    const abort = new AbortController();
    let queue: Promise<void> = Promise.resolve();
    let ended = false;
    deps.metrics?.add('deliver_streams_opened', {});
    let closedCounted = false;
    // As Fabric's Handle returning: counted once the request in flight (a wait for a block, say) has settled.
    const countClosed = (): void => {
      void queue.then(() => {
        if (closedCounted) return;
        closedCounted = true;
        deps.metrics?.add('deliver_streams_closed', {});
      });
    };
    const finish = (): void => {
      if (!ended) {
        ended = true;
        call.end();
      }
    };
    const sink: DeliverSink = {
      sendBlock: (blockBytes) =>
        new Promise<void>((resolve) => {
          // Respect flow control: a slow reader must not make us buffer the whole chain.
          if (call.write(encodeDeliverBlock(blockBytes))) resolve();
          else
            call.once('drain', () => {
              resolve();
            });
        }),
    };
    call.on('data', (received: ReceivedEnvelope) => {
      queue = queue.then(async () => {
        if (ended) return;
        const status = await deliverBlocks(received, deps, sink, abort.signal);
        if (abort.signal.aborted) return;
        call.write(encodeDeliverStatus(status));
        if (status !== Status.SUCCESS) finish();
      });
    });
    call.on('end', () => {
      void queue.then(finish);
    });
    call.on('cancelled', () => {
      abort.abort();
      countClosed();
    });
    call.on('error', () => {
      abort.abort();
      countClosed();
    });
    call.on('close', () => {
      abort.abort();
      countClosed();
    });
    call.on('finish', countClosed);
  };
}
