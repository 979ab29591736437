/**
 * One chaincode-as-a-service stream: the peer dials `/protos.Chaincode/Connect`, the chaincode sends REGISTER, the
 * peer answers REGISTERED then READY (Fabric's handler.go). Then many transactions run interleaved on the stream;
 * messages are routed by (channel_id, txid). The peer never sends KEEPALIVE: fabric-shim 2.5.8 accepts only
 * RESPONSE, ERROR, INIT and TRANSACTION once ready and exits the process on anything else.
 */
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeInvocation, ChaincodeResult } from '../chaincode-types.js';
import { answerRequest, noLedgerContextReply, REQUEST_TYPES, typeName } from './shim-requests.js';
import { ChaincodeShimError } from './shim-error.js';
import { TxSimulator } from './tx-simulator.js';

const Type = peer.ChaincodeMessage.Type;

export interface DialTarget {
  readonly name: string;
  readonly packageId: string;
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelOptions: grpc.ChannelOptions;
  /** Bound on reaching the server and on its REGISTER (connection.json's dial_timeout, 10 s in the samples). */
  readonly dialTimeoutMs: number;
  readonly onWarning: (message: string) => void;
}

type Stream = grpc.ClientDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>;

interface RunningTx {
  readonly invocation: ChaincodeInvocation;
  readonly simulator: TxSimulator;
  /** Fabric serves one request per transaction at a time and drops an overlapping one. */
  busy: boolean;
  settle(outcome: { message: peer.ChaincodeMessage } | { error: ChaincodeShimError }): void;
}

export class ShimConnection {
  private readonly running = new Map<string, RunningTx>();
  private open = true;

  private constructor(
    private readonly target: DialTarget,
    private readonly client: peer.ChaincodeClient,
    private readonly stream: Stream,
  ) {
    stream.on('data', (message: peer.ChaincodeMessage) => {
      this.onMessage(message);
    });
    stream.on('error', (error: Error) => {
      this.terminate(`chaincode stream terminated: ${error.message}`);
    });
    stream.on('end', () => {
      this.terminate('chaincode stream terminated: the chaincode ended the stream');
    });
  }

  /** Dials and completes REGISTER → REGISTERED → READY, or fails with UNREACHABLE / HANDSHAKE_FAILED. */
  static async open(target: DialTarget): Promise<ShimConnection> {
    const client = new peer.ChaincodeClient(target.address, target.credentials, target.channelOptions);
    const deadline = Date.now() + target.dialTimeoutMs;
    try {
      await waitForReady(client, deadline);
    } catch (error) {
      client.close();
      throw new ChaincodeShimError(
        'UNREACHABLE',
        target.name,
        `could not connect to chaincode server ${target.address} for ${target.name} (${target.packageId}): ${errorText(error)}`,
        { cause: error },
      );
    }
    const stream = client.connect();
    try {
      const register = await firstMessage(stream, deadline);
      checkRegister(target, register);
    } catch (error) {
      // cancel() makes the stream emit a CANCELLED error; it needs a listener or it would be thrown.
      stream.on('error', (cancelled: Error) => {
        target.onWarning(`${target.name}: handshake stream closed: ${cancelled.message}`);
      });
      stream.cancel();
      client.close();
      if (error instanceof ChaincodeShimError) throw error;
      throw new ChaincodeShimError(
        'HANDSHAKE_FAILED',
        target.name,
        `chaincode server ${target.address} for ${target.name} did not register: ${errorText(error)}`,
        { cause: error },
      );
    }
    const connection = new ShimConnection(target, client, stream);
    connection.send(message(Type.REGISTERED));
    // Fabric 3 puts ChaincodeAdditionalParams in READY; all-default params encode to the empty payload sent here,
    // which also keeps the shim off WRITE_BATCH_STATE and GET_STATE_MULTIPLE.
    connection.send(message(Type.READY));
    return connection;
  }

  get isOpen(): boolean {
    return this.open;
  }

  execute(invocation: ChaincodeInvocation): Promise<ChaincodeResult> {
    const { chaincodeName, channelId, txId } = invocation;
    if (!this.open) {
      return Promise.reject(
        new ChaincodeShimError('STREAM_TERMINATED', chaincodeName, 'chaincode stream terminated', { txId }),
      );
    }
    const key = txKey(channelId, txId);
    if (this.running.has(key)) {
      return Promise.reject(
        new ChaincodeShimError('DUPLICATE_TXID', chaincodeName, `txid: ${txId}(${channelId}) exists`, {
          txId,
        }),
      );
    }
    const proposal = peer.SignedProposal.deserializeBinary(invocation.signedProposal);
    const simulator = new TxSimulator(txId, chaincodeName, invocation.state);
    return new Promise<peer.ChaincodeMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        tx.settle({
          error: new ChaincodeShimError(
            'EXECUTION_TIMEOUT',
            chaincodeName,
            `failed to execute transaction ${txId}: error sending: timeout expired while executing transaction`,
            { txId },
          ),
        });
      }, invocation.timeoutMs);
      const tx: RunningTx = {
        invocation,
        simulator,
        busy: false,
        settle: (outcome) => {
          // Once settled the context is gone: late requests get "no ledger context", a late COMPLETED is dropped.
          if (this.running.get(key) !== tx) return;
          this.running.delete(key);
          clearTimeout(timer);
          if ('message' in outcome) resolve(outcome.message);
          else reject(outcome.error);
        },
      };
      this.running.set(key, tx);
      const transaction = message(Type.TRANSACTION, invocation.input);
      transaction.setTxid(txId);
      transaction.setChannelId(channelId);
      transaction.setProposal(proposal);
      this.send(transaction);
    }).then(
      (completion) => completionResult(invocation, simulator, completion),
      async (error: unknown) => {
        await simulator.abandon();
        throw error;
      },
    );
  }

  /** Ends the stream; running transactions fail with STREAM_TERMINATED. */
  close(): void {
    this.terminate('chaincode stream terminated: the peer closed the connection');
  }

  private onMessage(received: peer.ChaincodeMessage): void {
    const type = received.getType();
    if (type === Type.KEEPALIVE) return;
    const tx = this.running.get(txKey(received.getChannelId(), received.getTxid()));
    if (type === Type.COMPLETED || type === Type.ERROR) {
      tx?.settle({ message: received });
      return;
    }
    if (!REQUEST_TYPES.has(type)) {
      this.terminate(
        `[${received.getTxid()}] Fabric side handler cannot handle message (${typeName(type)}) while in ready state`,
        'PROTOCOL_VIOLATION',
      );
      return;
    }
    if (tx === undefined) {
      this.send(noLedgerContextReply(received));
      return;
    }
    if (tx.busy) {
      this.target.onWarning(
        `[${received.getTxid()}] another request pending for ${this.target.name}; dropped ${typeName(type)}`,
      );
      return;
    }
    tx.busy = true;
    const scope = {
      channelId: tx.invocation.channelId,
      namespace: tx.invocation.chaincodeName,
      simulator: tx.simulator,
    };
    void answerRequest(received, scope).then((reply) => {
      tx.busy = false;
      this.send(reply);
    });
  }

  private send(outgoing: peer.ChaincodeMessage): void {
    if (this.open) this.stream.write(outgoing);
  }

  private terminate(
    reason: string,
    code: 'STREAM_TERMINATED' | 'PROTOCOL_VIOLATION' = 'STREAM_TERMINATED',
  ): void {
    if (!this.open) return;
    this.open = false;
    for (const tx of [...this.running.values()]) {
      const { chaincodeName, txId } = tx.invocation;
      tx.settle({
        error: new ChaincodeShimError(
          code,
          chaincodeName,
          `failed to execute transaction ${txId}: error sending: ${reason}`,
          { txId },
        ),
      });
    }
    this.stream.cancel();
    this.client.close();
    if (code === 'PROTOCOL_VIOLATION') this.target.onWarning(`${this.target.name}: ${reason}; stream ended`);
  }
}

/** Fabric's processChaincodeExecutionResult, plus the rwset the simulation built. */
async function completionResult(
  invocation: ChaincodeInvocation,
  simulator: TxSimulator,
  completion: peer.ChaincodeMessage,
): Promise<ChaincodeResult> {
  const results = await simulator.finish();
  if (completion.getType() === Type.ERROR) {
    // Fabric turns this into an endorser error, answered as Response{500, err.Error()} without a payload; the
    // message is that text in full, since a ChaincodeResult cannot otherwise be told from a chaincode's own 500.
    const failure = new TextDecoder().decode(completion.getPayload_asU8());
    return {
      status: 500,
      message: `error in simulation: transaction returned with failure: ${failure}`,
      payload: new Uint8Array(),
      results,
    };
  }
  let response: peer.Response;
  try {
    response = peer.Response.deserializeBinary(completion.getPayload_asU8());
  } catch (error) {
    // chaincode_support.go fails the transaction here; the stream itself stays up.
    throw new ChaincodeShimError(
      'BAD_COMPLETION',
      invocation.chaincodeName,
      `failed to unmarshal response for transaction ${invocation.txId}: ${errorText(error)}`,
      { cause: error, txId: invocation.txId },
    );
  }
  const event = completion.getChaincodeEvent();
  if (event !== undefined) {
    event.setChaincodeId(invocation.chaincodeName);
    event.setTxId(invocation.txId);
  }
  return {
    status: response.getStatus(),
    message: response.getMessage(),
    payload: response.getPayload_asU8(),
    results,
    ...(event === undefined ? {} : { event: event.serializeBinary() }),
  };
}

function checkRegister(target: DialTarget, register: peer.ChaincodeMessage): void {
  if (register.getType() !== Type.REGISTER) {
    throw new ChaincodeShimError(
      'HANDSHAKE_FAILED',
      target.name,
      `chaincode server ${target.address} sent ${typeName(register.getType())} instead of REGISTER`,
    );
  }
  const registered = peer.ChaincodeID.deserializeBinary(register.getPayload_asU8()).getName();
  if (registered === '') {
    throw new ChaincodeShimError(
      'HANDSHAKE_FAILED',
      target.name,
      'error in handling register chaincode, chaincodeID name is empty',
    );
  }
  if (registered !== target.packageId) {
    // Fabric's registry only accepts the package id it is launching.
    throw new ChaincodeShimError(
      'HANDSHAKE_FAILED',
      target.name,
      `peer will not accept external chaincode connection ${registered} (except in dev mode); ${target.address} was expected to serve ${target.packageId}`,
    );
  }
}

function firstMessage(stream: Stream, deadline: number): Promise<peer.ChaincodeMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('error', onError);
      stream.off('end', onEnd);
    };
    const onData = (received: peer.ChaincodeMessage): void => {
      cleanup();
      resolve(received);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error('the stream ended before REGISTER'));
    };
    const timer = setTimeout(
      () => {
        cleanup();
        reject(new Error('no REGISTER within the dial timeout'));
      },
      Math.max(0, deadline - Date.now()),
    );
    stream.on('data', onData);
    stream.on('error', onError);
    stream.on('end', onEnd);
  });
}

/**
 * Resolves once the channel is READY. A refused or unreachable address shows up as TRANSIENT_FAILURE after the
 * first attempt; failing then (instead of letting grpc-js retry until the deadline) makes a down server quick to
 * report.
 */
function waitForReady(client: grpc.Client, deadline: number): Promise<void> {
  const channel = client.getChannel();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) {
        resolve();
        return;
      }
      if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) {
        reject(new Error('connection refused or unreachable'));
        return;
      }
      channel.watchConnectivityState(state, deadline, (error?: Error) => {
        if (error === undefined) check();
        else reject(new Error('dial timeout expired'));
      });
    };
    check();
  });
}

function message(type: (typeof Type)[keyof typeof Type], payload?: Uint8Array): peer.ChaincodeMessage {
  const built = new peer.ChaincodeMessage();
  built.setType(type);
  if (payload !== undefined) built.setPayload(payload);
  return built;
}

function txKey(channelId: string, txId: string): string {
  return `${channelId}\u0000${txId}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
