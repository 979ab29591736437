/**
 * Submit to a Raft ordering service as Fabric's gateway does (internal/pkg/gateway/submit.go): try the orderers one
 * after another until one accepts; a 4xx answer is the transaction's fault and is final, anything else (a broken
 * connection, SERVICE_UNAVAILABLE while Raft has no quorum) moves on to the next orderer. The orderer that last
 * accepted is tried first next time, so a healthy ordering service costs one call.
 */
import { common, type orderer } from '@hyperledger/fabric-protos';
import type { OrdererEndpoint } from './orderer-client.js';

/** One orderer's Broadcast: the gateway's view of `Broadcaster`. */
export interface EnvelopeSender {
  send(envelope: common.Envelope): Promise<orderer.BroadcastResponse>;
}

export interface OrdererChoice {
  readonly endpoint: OrdererEndpoint;
  readonly sender: EnvelopeSender;
}

/** Every orderer's failure, for the gateway's error details. */
export class NoOrdererAcceptedError extends Error {
  readonly code = 'NO_ORDERER_ACCEPTED';
  constructor(
    readonly failures: readonly { readonly endpoint: OrdererEndpoint; readonly message: string }[],
    readonly lastResponse: orderer.BroadcastResponse | undefined,
  ) {
    super(failures.map((failure) => `${failure.endpoint.address}: ${failure.message}`).join('; '));
    this.name = 'NoOrdererAcceptedError';
  }
}

export class FailoverBroadcaster implements EnvelopeSender {
  private preferred = 0;

  constructor(private readonly orderers: readonly OrdererChoice[]) {
    if (orderers.length === 0) throw new Error('a broadcaster needs at least one orderer');
  }

  async send(envelope: common.Envelope): Promise<orderer.BroadcastResponse> {
    const failures: { endpoint: OrdererEndpoint; message: string }[] = [];
    let lastResponse: orderer.BroadcastResponse | undefined;
    for (let attempt = 0; attempt < this.orderers.length; attempt++) {
      const index = (this.preferred + attempt) % this.orderers.length;
      const choice = this.orderers[index];
      if (choice === undefined) continue;
      try {
        const response = await choice.sender.send(envelope);
        const status = response.getStatus();
        if (status === common.Status.SUCCESS || (status >= 400 && status < 500)) {
          this.preferred = index;
          return response;
        }
        lastResponse = response;
        failures.push({ endpoint: choice.endpoint, message: `status ${status}: ${response.getInfo()}` });
      } catch (error) {
        failures.push({
          endpoint: choice.endpoint,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    throw new NoOrdererAcceptedError(failures, lastResponse);
  }
}
