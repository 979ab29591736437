/**
 * The wire conversation message by message, against a scripted chaincode server (an in-process gRPC server at the
 * process boundary): what the peer sends during the handshake and a transaction, its answers to requests for
 * unknown transactions, and how it ends a stream on a message Fabric's handler rejects.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { CcaasRuntime } from './ccaas-runtime.js';
import { MemoryState } from './memory-state.fake.js';
import { ChaincodeShimError } from './shim-error.js';

const Type = peer.ChaincodeMessage.Type;
type Stream = grpc.ServerDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>;

/** A chaincode server whose behaviour the test scripts; it records every message the peer sends. */
class ScriptedChaincode {
  readonly received: peer.ChaincodeMessage[] = [];
  private readonly server = new grpc.Server();
  private stream?: Stream;
  private waiters: (() => void)[] = [];
  port = 0;

  async start(registerAs: string): Promise<void> {
    this.server.addService(peer.ChaincodeService, {
      connect: (stream: Stream) => {
        this.stream = stream;
        stream.on('data', (message: peer.ChaincodeMessage) => {
          this.received.push(message);
          for (const wake of this.waiters.splice(0)) wake();
        });
        const id = new peer.ChaincodeID();
        id.setName(registerAs);
        stream.write(message(Type.REGISTER, id.serializeBinary()));
      },
    });
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error === null) resolve(port);
        else reject(error);
      });
    });
  }

  send(type: number, payload: Uint8Array, txId: string, channelId = 'mychannel'): void {
    const sent = message(type, payload);
    sent.setTxid(txId);
    sent.setChannelId(channelId);
    this.stream?.write(sent);
  }

  /** Resolves with the first received message (from index `from`) that matches. */
  async next(
    predicate: (message: peer.ChaincodeMessage) => boolean,
    from = 0,
  ): Promise<peer.ChaincodeMessage> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.received.slice(from).find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('expected message not received');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

function message(type: number, payload?: Uint8Array): peer.ChaincodeMessage {
  const built = new peer.ChaincodeMessage();
  built.setType(type as (typeof Type)[keyof typeof Type]);
  if (payload !== undefined) built.setPayload(payload);
  return built;
}

function signedProposalBytes(): Uint8Array {
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(Uint8Array.of(1, 2, 3));
  signed.setSignature(Uint8Array.of(4, 5));
  return signed.serializeBinary();
}

describe('shim protocol, message by message', function () {
  this.timeout(20_000);
  let chaincode: ScriptedChaincode;
  let runtime: CcaasRuntime;
  const warnings: string[] = [];

  beforeEach(async () => {
    chaincode = new ScriptedChaincode();
    await chaincode.start('cc:1');
    runtime = new CcaasRuntime({ onWarning: (warning) => warnings.push(warning) });
    await runtime.connect('cc', 'cc:1', `127.0.0.1:${chaincode.port}`);
  });

  afterEach(async () => {
    await runtime.close();
    chaincode.stop();
  });

  function execute(txId: string, state = new MemoryState()) {
    const input = new peer.ChaincodeInput();
    input.setArgsList([new TextEncoder().encode('fn')]);
    return runtime.execute({
      channelId: 'mychannel',
      txId,
      chaincodeName: 'cc',
      signedProposal: signedProposalBytes(),
      input: input.serializeBinary(),
      readOnly: false,
      state,
      timeoutMs: 5000,
    });
  }

  it('answers REGISTER with REGISTERED then READY (empty payload), and sends TRANSACTION with the proposal', async () => {
    const running = execute('tx1');
    const transaction = await chaincode.next((m) => m.getType() === Type.TRANSACTION);
    assert.deepEqual(
      chaincode.received.map((m) => m.getType()),
      [Type.REGISTERED, Type.READY, Type.TRANSACTION],
    );
    assert.equal(chaincode.received[1]?.getPayload_asU8().length, 0);
    assert.equal(transaction.getTxid(), 'tx1');
    assert.equal(transaction.getChannelId(), 'mychannel');
    assert.deepEqual(transaction.getProposal()?.serializeBinary(), signedProposalBytes());
    assert.deepEqual(
      peer.ChaincodeInput.deserializeBinary(transaction.getPayload_asU8()).getArgsList().length,
      1,
    );

    const response = new peer.Response();
    response.setStatus(200);
    response.setPayload(new TextEncoder().encode('done'));
    chaincode.send(Type.COMPLETED, response.serializeBinary(), 'tx1');
    const result = await running;
    assert.equal(result.status, 200);
    assert.equal(new TextDecoder().decode(result.payload), 'done');
  });

  it('echoes txid and channel_id in RESPONSE, and answers requests of unknown transactions with "no ledger context"', async () => {
    const state = new MemoryState();
    state.put('cc', 'k', 'v', { blockNum: 1, txNum: 0 });
    const running = execute('tx2', state);
    await chaincode.next((m) => m.getType() === Type.TRANSACTION);
    const get = new peer.GetState();
    get.setKey('k');
    chaincode.send(Type.GET_STATE, get.serializeBinary(), 'tx2');
    const response = await chaincode.next((m) => m.getType() === Type.RESPONSE);
    assert.equal(response.getTxid(), 'tx2');
    assert.equal(response.getChannelId(), 'mychannel');
    assert.equal(new TextDecoder().decode(response.getPayload_asU8()), 'v');

    chaincode.send(Type.GET_STATE, get.serializeBinary(), 'unknown-tx');
    const refused = await chaincode.next((m) => m.getType() === Type.ERROR);
    assert.equal(refused.getTxid(), 'unknown-tx');
    assert.equal(
      new TextDecoder().decode(refused.getPayload_asU8()),
      'GET_STATE failed: transaction ID: unknown-tx: no ledger context',
    );

    // A KEEPALIVE from the chaincode is ignored; a late COMPLETED for an unknown txid too.
    chaincode.send(Type.KEEPALIVE, new Uint8Array(), '');
    chaincode.send(Type.COMPLETED, new peer.Response().serializeBinary(), 'unknown-tx');
    const done = new peer.Response();
    done.setStatus(200);
    chaincode.send(Type.COMPLETED, done.serializeBinary(), 'tx2');
    assert.equal((await running).status, 200);
    // The peer never sent anything but the handshake, TRANSACTION, RESPONSE and ERROR.
    assert.deepEqual(
      [...new Set(chaincode.received.map((m) => m.getType()))].sort((a, b) => a - b),
      [Type.REGISTERED, Type.READY, Type.TRANSACTION, Type.ERROR, Type.RESPONSE].sort((a, b) => a - b),
    );
  });

  it('ends the stream on a message Fabric rejects in the ready state, failing running transactions', async () => {
    const running = execute('tx3');
    await chaincode.next((m) => m.getType() === Type.TRANSACTION);
    chaincode.send(Type.REGISTER, new Uint8Array(), 'tx3');
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof ChaincodeShimError);
      assert.equal(error.code, 'PROTOCOL_VIOLATION');
      assert.match(
        error.message,
        /Fabric side handler cannot handle message \(REGISTER\) while in ready state/,
      );
      return true;
    });
    assert.ok(warnings.some((warning) => warning.includes('stream ended')));
  });

  it('fails a transaction whose COMPLETED does not hold a Response, and keeps the stream for the next one', async () => {
    const running = execute('tx4');
    await chaincode.next((m) => m.getType() === Type.TRANSACTION);
    chaincode.send(Type.COMPLETED, new Uint8Array(16).fill(0xff), 'tx4');
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof ChaincodeShimError);
      assert.equal(error.code, 'BAD_COMPLETION');
      assert.match(error.message, /^failed to unmarshal response for transaction tx4: /);
      return true;
    });
    const next = execute('tx5');
    const seen = chaincode.received.length;
    await chaincode.next((m) => m.getType() === Type.TRANSACTION && m.getTxid() === 'tx5', seen);
    const done = new peer.Response();
    done.setStatus(200);
    chaincode.send(Type.COMPLETED, done.serializeBinary(), 'tx5');
    assert.equal((await next).status, 200);
  });
});
