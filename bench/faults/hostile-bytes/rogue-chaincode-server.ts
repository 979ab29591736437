/**
 * A rogue chaincode-as-a-service server: a grpc-js server on 127.0.0.1 that the peer dials at
 * `/protos.Chaincode/Connect` like any CCaaS chaincode, registers correctly (REGISTER with the package id), and then
 * misbehaves on purpose, chosen by the transaction's function name:
 *
 * | function | what it sends back |
 * |---|---|
 * | `wrongType` | a REGISTER for the running transaction (a type the peer's ready state refuses) |
 * | `undefinedType` | a ChaincodeMessage with type 99, which no Fabric version defines |
 * | `garbageBytes` | 64 bytes of 0xff as a message: not a protobuf at all |
 * | `badCompletion` | COMPLETED whose payload is not a peer.Response |
 * | `outOfOrder` | COMPLETED and GET_STATE for a transaction that is not running, QUERY_STATE_NEXT for an iterator never opened, a GET_STATE whose payload is 0xff bytes, then a valid COMPLETED whose payload lists the replies it got |
 *
 * Responses go out as raw bytes (identity serializer), so the garbage reaches the peer as sent.
 */
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';

const Type = peer.ChaincodeMessage.Type;
type MessageType = (typeof Type)[keyof typeof Type];

export const ROGUE_FUNCTIONS = [
  'wrongType',
  'undefinedType',
  'garbageBytes',
  'badCompletion',
  'outOfOrder',
] as const;
export type RogueFunction = (typeof ROGUE_FUNCTIONS)[number];

const GHOST_TXID = 'no-such-transaction';
const passThrough = (bytes: Buffer): Buffer => bytes;

function message(type: number, txid: string, channelId: string, payload?: Uint8Array): Buffer {
  const built = new peer.ChaincodeMessage();
  built.setType(type as MessageType);
  built.setTxid(txid);
  built.setChannelId(channelId);
  if (payload !== undefined) built.setPayload(payload);
  return Buffer.from(built.serializeBinary());
}

export class RogueChaincodeServer {
  private readonly server = new grpc.Server();
  /** Connect streams the peer opened: a peer that re-dials after a broken stream opens more than one. */
  connections = 0;
  /** Function names of the transactions the peer ran here, in order. */
  readonly transactions: string[] = [];

  constructor(private readonly packageId: string) {
    this.server.addService(
      {
        connect: {
          path: '/protos.Chaincode/Connect',
          requestStream: true,
          responseStream: true,
          requestSerialize: passThrough,
          requestDeserialize: passThrough,
          responseSerialize: passThrough,
          responseDeserialize: passThrough,
        },
      },
      {
        connect: (stream: grpc.ServerDuplexStream<Buffer, Buffer>) => {
          this.serve(stream);
        },
      },
    );
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): void {
    this.server.forceShutdown();
  }

  private serve(stream: grpc.ServerDuplexStream<Buffer, Buffer>): void {
    this.connections += 1;
    // The peer breaks streams on purpose here; a write after that must not throw.
    stream.on('error', () => undefined);
    const id = new peer.ChaincodeID();
    id.setName(this.packageId);
    stream.write(message(Type.REGISTER, '', '', id.serializeBinary()));
    const replies = new Map<string, (reply: peer.ChaincodeMessage) => void>();
    stream.on('data', (bytes: Buffer) => {
      const received = peer.ChaincodeMessage.deserializeBinary(bytes);
      const waiting = replies.get(received.getTxid());
      if ((received.getType() === Type.RESPONSE || received.getType() === Type.ERROR) && waiting) {
        replies.delete(received.getTxid());
        waiting(received);
        return;
      }
      if (received.getType() !== Type.TRANSACTION) return; // REGISTERED, READY
      const input = peer.ChaincodeInput.deserializeBinary(received.getPayload_asU8());
      const name = Buffer.from(input.getArgsList_asU8()[0] ?? new Uint8Array()).toString('utf8');
      this.transactions.push(name);
      const reply = (txid: string, request: Buffer) =>
        new Promise<peer.ChaincodeMessage>((resolve) => {
          replies.set(txid, resolve);
          stream.write(request);
        });
      void this.misbehave(name, received.getTxid(), received.getChannelId(), stream, reply);
    });
  }

  private async misbehave(
    name: string,
    txid: string,
    channelId: string,
    stream: grpc.ServerDuplexStream<Buffer, Buffer>,
    reply: (txid: string, request: Buffer) => Promise<peer.ChaincodeMessage>,
  ): Promise<void> {
    switch (name as RogueFunction) {
      case 'wrongType':
        stream.write(message(Type.REGISTER, txid, channelId));
        return;
      case 'undefinedType':
        stream.write(message(99, txid, channelId));
        return;
      case 'garbageBytes':
        stream.write(Buffer.alloc(64, 0xff));
        return;
      case 'badCompletion':
        stream.write(message(Type.COMPLETED, txid, channelId, Buffer.alloc(16, 0xff)));
        return;
      case 'outOfOrder': {
        stream.write(message(Type.COMPLETED, GHOST_TXID, channelId, completedPayload('ghost')));
        const key = new peer.GetState();
        key.setKey('k');
        const ghost = await reply(
          GHOST_TXID,
          message(Type.GET_STATE, GHOST_TXID, channelId, key.serializeBinary()),
        );
        const next = new peer.QueryStateNext();
        next.setId('never-opened');
        const iterator = await reply(
          txid,
          message(Type.QUERY_STATE_NEXT, txid, channelId, next.serializeBinary()),
        );
        const garbled = await reply(txid, message(Type.GET_STATE, txid, channelId, Buffer.alloc(16, 0xff)));
        const seen = [ghost, iterator, garbled].map((m) => ({
          type: typeName(m.getType()),
          payload: Buffer.from(m.getPayload_asU8()).toString('utf8'),
        }));
        stream.write(message(Type.COMPLETED, txid, channelId, completedPayload(JSON.stringify(seen))));
        return;
      }
      default:
        stream.write(
          message(Type.COMPLETED, txid, channelId, completedPayload(`unknown function ${name}`, 400)),
        );
    }
  }
}

function completedPayload(text: string, status = 200): Uint8Array {
  const response = new peer.Response();
  response.setStatus(status);
  response.setPayload(Buffer.from(text));
  return response.serializeBinary();
}

const TYPE_NAMES = new Map<number, string>(
  Object.entries(Type as unknown as Record<string, number>).map(([name, value]) => [value, name]),
);

function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? String(type);
}
