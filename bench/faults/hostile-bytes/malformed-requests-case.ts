/**
 * Case `malformed-requests`: truncated, garbage, hollow and empty messages to every gRPC method a client reaches on
 * the peer (Endorser, Gateway, Deliver) and the orderer (AtomicBroadcast). Each must get the status Fabric gives:
 *
 * - bytes that do not decode as the request type → INTERNAL: grpc-go answers "grpc: error unmarshalling request"
 *   with codes.Internal before Fabric's handler runs (grpc-js: "Error deserializing request", the same code);
 * - a request that decodes but carries garbage inside, or nothing → the handler's own answer: ProcessProposal
 *   returns its error beside the response when UnpackProposal fails (core/endorser/endorser.go → UNKNOWN); the
 *   gateway's Evaluate/Endorse/CommitStatus answer INVALID_ARGUMENT (internal/pkg/gateway evaluate.go, endorse.go,
 *   commitstatus.go), Submit INVALID_ARGUMENT for no transaction and ABORTED when the orderer answers BAD_REQUEST
 *   (submit.go); Deliver and Broadcast send a BAD_REQUEST status response (common/deliver/deliver.go parseEnvelope,
 *   orderer/common/broadcast ProcessMessage) and end the stream normally.
 *
 * Then both nodes must still be serving (health, same pids, a real EHR write commits).
 */
import * as grpc from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import type { FaultCase, FaultOutcome } from '../fault-case.js';
import {
  broadcastStatus,
  deliverStatus,
  fabricStatusName,
  proposalMaterial,
  seekEnvelope,
  type ProposalMaterial,
} from './fabric-requests.js';
import { CHANNEL, HostileDevnet } from './hostile-devnet.js';
import { hostileOutcome } from './hostile-outcome.js';
import { rawBidi, rawUnary, statusName } from './raw-grpc.js';

type Input = 'truncated' | 'garbage' | 'hollow' | 'empty';
type Reply = 'broadcast' | 'deliver';

interface Endpoint {
  readonly node: 'peer' | 'orderer';
  readonly method: string;
  /** Unary methods answer a status; streams answer a status response (Deliver/Broadcast) first. */
  readonly stream?: Reply;
  /** A well-formed request (cut in half for `truncated`). */
  readonly wellFormed: Buffer;
  /** A request that decodes but holds undecodable bytes where Fabric's handler looks first. */
  readonly hollow: Buffer;
  /** What Fabric's handler answers to `hollow` and to the empty message. */
  readonly handler: { readonly hollow: Expected; readonly empty: Expected };
}

interface Expected {
  readonly code: grpc.status;
  /** For streams: the common.Status of the response before the stream ends. */
  readonly status?: number;
}

/** Bytes that no protobuf decoder accepts: a tag varint longer than ten bytes. */
const GARBAGE = Buffer.alloc(64, 0xff);
const GARBAGE_INNER = Buffer.alloc(32, 0xff);
const INTERNAL: Expected = { code: grpc.status.INTERNAL };
const BAD_REQUEST_STATUS: Expected = { code: grpc.status.OK, status: common.Status.BAD_REQUEST };
const CALL_DEADLINE_MS = 15_000;

function endpoints(material: ProposalMaterial, seek: Buffer): Endpoint[] {
  const hollowProposal = new peer.SignedProposal();
  hollowProposal.setProposalBytes(GARBAGE_INNER);
  hollowProposal.setSignature(GARBAGE_INNER);
  const hollowEvaluate = new gateway.EvaluateRequest();
  hollowEvaluate.setChannelId(CHANNEL);
  hollowEvaluate.setProposedTransaction(hollowProposal);
  const hollowEndorse = new gateway.EndorseRequest();
  hollowEndorse.setChannelId(CHANNEL);
  hollowEndorse.setProposedTransaction(hollowProposal);
  const hollowEnvelope = new common.Envelope();
  hollowEnvelope.setPayload(GARBAGE_INNER);
  hollowEnvelope.setSignature(GARBAGE_INNER);
  const hollowSubmit = new gateway.SubmitRequest();
  hollowSubmit.setChannelId(CHANNEL);
  hollowSubmit.setTransactionId(material.txId);
  hollowSubmit.setPreparedTransaction(hollowEnvelope);
  const hollowStatus = new gateway.SignedCommitStatusRequest();
  hollowStatus.setRequest(GARBAGE_INNER);
  hollowStatus.setSignature(GARBAGE_INNER);
  const envelope = Buffer.from(hollowEnvelope.serializeBinary());
  const invalidArgument: Expected = { code: grpc.status.INVALID_ARGUMENT };

  return [
    {
      node: 'peer',
      method: '/protos.Endorser/ProcessProposal',
      wellFormed: material.signedProposal,
      hollow: Buffer.from(hollowProposal.serializeBinary()),
      handler: { hollow: { code: grpc.status.UNKNOWN }, empty: { code: grpc.status.UNKNOWN } },
    },
    {
      node: 'peer',
      method: '/gateway.Gateway/Evaluate',
      wellFormed: material.evaluateRequest,
      hollow: Buffer.from(hollowEvaluate.serializeBinary()),
      handler: { hollow: invalidArgument, empty: invalidArgument },
    },
    {
      node: 'peer',
      method: '/gateway.Gateway/Endorse',
      wellFormed: material.endorseRequest,
      hollow: Buffer.from(hollowEndorse.serializeBinary()),
      handler: { hollow: invalidArgument, empty: invalidArgument },
    },
    {
      node: 'peer',
      method: '/gateway.Gateway/Submit',
      wellFormed: material.submitRequest,
      hollow: Buffer.from(hollowSubmit.serializeBinary()),
      handler: { hollow: { code: grpc.status.ABORTED }, empty: invalidArgument },
    },
    {
      node: 'peer',
      method: '/gateway.Gateway/CommitStatus',
      wellFormed: material.commitStatusRequest,
      hollow: Buffer.from(hollowStatus.serializeBinary()),
      handler: { hollow: invalidArgument, empty: invalidArgument },
    },
    ...(['Deliver', 'DeliverFiltered'] as const).map((method): Endpoint => ({
      node: 'peer',
      method: `/protos.Deliver/${method}`,
      stream: 'deliver',
      wellFormed: seek,
      hollow: envelope,
      handler: { hollow: BAD_REQUEST_STATUS, empty: BAD_REQUEST_STATUS },
    })),
    {
      node: 'orderer',
      method: '/orderer.AtomicBroadcast/Broadcast',
      stream: 'broadcast',
      wellFormed: seek,
      hollow: envelope,
      handler: { hollow: BAD_REQUEST_STATUS, empty: BAD_REQUEST_STATUS },
    },
    {
      node: 'orderer',
      method: '/orderer.AtomicBroadcast/Deliver',
      stream: 'deliver',
      wellFormed: seek,
      hollow: envelope,
      handler: { hollow: BAD_REQUEST_STATUS, empty: BAD_REQUEST_STATUS },
    },
  ];
}

/** The request type's decoder, to confirm a spoiled input really does not decode before blaming the node. */
const DECODERS: Record<string, (bytes: Uint8Array) => unknown> = {
  '/protos.Endorser/ProcessProposal': (b) => peer.SignedProposal.deserializeBinary(b),
  '/gateway.Gateway/Evaluate': (b) => gateway.EvaluateRequest.deserializeBinary(b),
  '/gateway.Gateway/Endorse': (b) => gateway.EndorseRequest.deserializeBinary(b),
  '/gateway.Gateway/Submit': (b) => gateway.SubmitRequest.deserializeBinary(b),
  '/gateway.Gateway/CommitStatus': (b) => gateway.SignedCommitStatusRequest.deserializeBinary(b),
};
const decodeEnvelope = (bytes: Uint8Array): unknown => common.Envelope.deserializeBinary(bytes);

function decodes(method: string, bytes: Buffer): boolean {
  try {
    (DECODERS[method] ?? decodeEnvelope)(bytes);
    return true;
  } catch {
    // Refused by the decoder: exactly what a truncated or garbage input is meant to be.
    return false;
  }
}

interface ProbeResult {
  node: string;
  method: string;
  input: Input;
  expected: string;
  got: string;
  details: string;
  ms: number;
  ok: boolean;
}

async function probe(target: HostileDevnet, endpoint: Endpoint, input: Input): Promise<ProbeResult> {
  const bytes = {
    truncated: endpoint.wellFormed.subarray(0, Math.floor(endpoint.wellFormed.length / 2)),
    garbage: GARBAGE,
    hollow: endpoint.hollow,
    empty: Buffer.alloc(0),
  }[input];
  const expected = input === 'hollow' || input === 'empty' ? endpoint.handler[input] : INTERNAL;
  const client = endpoint.node === 'peer' ? target.peer : target.orderer;
  const result =
    endpoint.stream === undefined
      ? await rawUnary(client, endpoint.method, bytes, CALL_DEADLINE_MS)
      : await rawBidi(client, endpoint.method, [bytes], { deadlineMs: CALL_DEADLINE_MS, halfClose: true });
  const status =
    endpoint.stream === 'broadcast'
      ? broadcastStatus(result.responses)
      : endpoint.stream === 'deliver'
        ? deliverStatus(result.responses)
        : undefined;
  // A spoiled input that still decodes would test nothing: it counts as a failed probe.
  const spoiled = input === 'truncated' || input === 'garbage' ? !decodes(endpoint.method, bytes) : true;
  const describe = (code: grpc.status, fabric: number | undefined) =>
    fabric === undefined ? statusName(code) : `${statusName(code)} + ${fabricStatusName(fabric)}`;
  return {
    node: endpoint.node,
    method: endpoint.method,
    input,
    expected: describe(expected.code, expected.status),
    got: describe(result.code, status),
    details: result.details,
    ms: result.ms,
    ok: spoiled && result.code === expected.code && status === expected.status,
  };
}

export const malformedRequestsCase: FaultCase = {
  id: 'malformed-requests',
  group: 'hostile-bytes',
  summary:
    'truncated, garbage, hollow and empty protobufs to Endorser, Gateway (4 methods), Deliver (2) and the orderer (2)',
  run: (context) =>
    HostileDevnet.with(context, async (target): Promise<FaultOutcome> => {
      const material = proposalMaterial(target.peer, target.user1, CHANNEL);
      const seek = seekEnvelope(target.user1, CHANNEL, 'newest', 'newest', 'block-until-ready');
      const inputs: Input[] = ['truncated', 'garbage', 'hollow', 'empty'];
      const results: ProbeResult[] = [];
      for (const endpoint of endpoints(material, seek)) {
        for (const input of inputs) results.push(await probe(target, endpoint, input));
      }
      context.log(`${results.filter((r) => r.ok).length}/${results.length} probes answered as Fabric does`);
      const serving = await target.stillServing();
      const checks: Record<string, boolean> = {};
      for (const r of results) checks[`${r.method} ${r.input} → ${r.expected}`] = r.ok;
      Object.assign(checks, serving.checks);
      const wrong = results.filter((r) => !r.ok);
      return hostileOutcome({
        id: 'malformed-requests',
        done:
          `Sent ${results.length} spoiled messages (each request cut in half, 64 bytes of 0xff, a request with ` +
          'garbage inside, an empty message) to the 9 client-facing gRPC methods of the peer and the orderer.',
        happened:
          `${results.length - wrong.length}/${results.length} got Fabric's status` +
          (wrong.length === 0
            ? ''
            : ` (different: ${wrong.map((r) => `${r.method} ${r.input} got ${r.got}`).join('; ')})`) +
          `; slowest answer ${Math.max(...results.map((r) => r.ms))} ms; afterwards ${serving.detail}.`,
        checks,
        details: { probes: results },
      });
    }),
};
