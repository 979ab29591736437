/**
 * orderer.AtomicBroadcast/Broadcast, message by message as orderer/common/broadcast (ProcessMessage) with the
 * standard channel's filters (msgprocessor: size filter, then SigFilter on /Channel/Writers). One response per
 * envelope, in order; after a non-SUCCESS response the stream ends, as Fabric's Handle returns.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { IdentityValidator } from '../msp/types.js';
import type { ChannelChain } from './channel-chain.js';
import { checkEnvelopeAccess, EnvelopeError, openEnvelope } from './envelope-access.js';
import type { OrdererMetrics } from './metrics.js';

const Status = common.Status;
type StatusValue = common.StatusMap[keyof common.StatusMap];

export interface ChannelLookup {
  getChannel(channelId: string): ChannelChain | undefined;
}

export interface BroadcastDeps {
  readonly channels: ChannelLookup;
  readonly identities: IdentityValidator;
  readonly metrics?: OrdererMetrics;
}

export interface BroadcastResult {
  readonly status: StatusValue;
  readonly info: string;
}

/** What a real v3 orderer answers a Broadcast for a channel it does not serve. */
export const UNKNOWN_CHANNEL_STATUS = Status.BAD_REQUEST;

/** Reverses a generated enum object (name → number) for metric labels. */
function namesOf(values: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(values).map(([name, n]) => [n, name]));
}
const HEADER_TYPE_NAME = namesOf(common.HeaderType as unknown as Record<string, number>);
const STATUS_NAME = namesOf(Status as unknown as Record<string, number>);

/** An envelope as received: decoded, plus the exact bytes the client sent (ordered verbatim). */
export interface ReceivedEnvelope {
  readonly envelope: common.Envelope;
  readonly bytes: Uint8Array;
}

/** Validates one envelope and hands it to its channel's ordering log. */
export async function processBroadcast(
  received: ReceivedEnvelope,
  deps: BroadcastDeps,
): Promise<BroadcastResult> {
  const { envelope } = received;
  let channelId = 'unknown';
  let txType = 'unknown';
  const result = await (async (): Promise<BroadcastResult> => {
    let opened;
    try {
      opened = openEnvelope(envelope);
    } catch (error) {
      if (error instanceof EnvelopeError)
        return { status: Status.BAD_REQUEST, info: `could not determine channel ID: ${error.message}` };
      throw error;
    }
    channelId = opened.channelHeader.getChannelId();
    const type = opened.channelHeader.getType();
    txType = HEADER_TYPE_NAME[type] ?? String(type);
    const chain = deps.channels.getChannel(channelId);
    // Fabric v3 has no system channel: Registrar.BroadcastChannelSupport fails with types.ErrChannelNotExist, and
    // ProcessMessage answers every BroadcastChannelSupport error with BAD_REQUEST (Deliver, unlike Broadcast, says
    // NOT_FOUND for an unknown channel).
    if (!chain) return { status: UNKNOWN_CHANNEL_STATUS, info: 'channel does not exist' };
    if (type === common.HeaderType.CONFIG) {
      return { status: Status.BAD_REQUEST, info: 'message is of type that cannot be processed directly' };
    }
    if (type === common.HeaderType.CONFIG_UPDATE) {
      return {
        status: Status.BAD_REQUEST,
        info: `error applying config update to existing channel '${channelId}': config updates are not supported by fabric-devnet`,
      };
    }
    if (envelope.getPayload_asU8().length === 0)
      return { status: Status.BAD_REQUEST, info: 'Message was empty' };
    const size = envelope.getPayload_asU8().length + envelope.getSignature_asU8().length;
    const max = chain.config.batch.absoluteMaxBytes;
    if (size > max)
      return {
        status: Status.BAD_REQUEST,
        info: `message payload is ${size} bytes and exceeds maximum allowed ${max} bytes`,
      };
    const access = checkEnvelopeAccess(envelope, opened, chain.config.policies, 'Writers', deps.identities);
    if (!access.ok) {
      return access.malformed
        ? { status: Status.BAD_REQUEST, info: access.message }
        : { status: Status.FORBIDDEN, info: `${access.message}: permission denied` };
    }
    if (chain.error) return { status: Status.SERVICE_UNAVAILABLE, info: chain.error.message };
    try {
      await chain.order(received.bytes, size);
    } catch (error) {
      return {
        status: Status.SERVICE_UNAVAILABLE,
        info: error instanceof Error ? error.message : String(error),
      };
    }
    return { status: Status.SUCCESS, info: '' };
  })();
  deps.metrics?.add('broadcast_processed_count', {
    channel: channelId,
    type: txType,
    status: STATUS_NAME[result.status] ?? String(result.status),
  });
  return result;
}

/** The grpc-js handler: processes the stream's envelopes strictly one after another. */
export function broadcastHandler(
  deps: BroadcastDeps,
): (call: ServerDuplexStream<ReceivedEnvelope, orderer.BroadcastResponse>) => void {
  return (call) => {
    let queue: Promise<void> = Promise.resolve();
    let ended = false;
    call.on('data', (received: ReceivedEnvelope) => {
      queue = queue.then(async () => {
        if (ended) return;
        const result = await processBroadcast(received, deps);
        const response = new orderer.BroadcastResponse();
        response.setStatus(result.status);
        response.setInfo(result.info);
        call.write(response);
        if (result.status !== Status.SUCCESS) {
          ended = true;
          call.end();
        }
      });
    });
    call.on('end', () => {
      void queue.then(() => {
        if (!ended) {
          ended = true;
          call.end();
        }
      });
    });
    call.on('error', () => {
      ended = true;
    });
  };
}
