/**
 * protos.Endorser/ProcessProposal as Fabric's core/endorser/endorser.go answers it: pre-process (checks), simulate
 * on the chaincode, then a ProposalResponse whose payload and endorsement follow the default ESCC.
 *
 * Fabric returns a ProposalResponse *and* an error for proposals that fail pre-processing; over gRPC the client sees
 * only the error, in-process (the gateway's local endorser) both. `EndorserOutcome` keeps that distinction.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/types.js';
import type { ChannelLedger } from '../ledger/types.js';
import {
  unpackSignedProposal,
  proposalHash,
  ProposalFormatError,
  type UnpackedProposal,
} from '../protocol/proposal.js';
import type { ChaincodeResult, ChaincodeRuntime } from './chaincode-types.js';
import { ChaincodeUnavailableError } from './chaincode-types.js';
import type { ChaincodeRegistry } from './chaincode-registry.js';
import { checkProposal, ProposalRejectedError, type ProposalCheckContext } from './proposal-checks.js';
import { invokeQscc, QSCC } from './qscc.js';

/** Fabric's shim thresholds: < 400 endorsed; 400..499 response only; >= 500 response + payload, no endorsement. */
const ERROR_THRESHOLD = 400;
const ERROR = 500;
const EXECUTE_TIMEOUT_MS = 30_000;

export interface EndorserOutcome {
  readonly response: peer.ProposalResponse;
  /** Set when Fabric's endorser returns an error beside the response (unpack or pre-process failures). */
  readonly error?: string;
  readonly proposal?: UnpackedProposal;
}

export interface EndorserDeps {
  readonly channelId: string;
  readonly ledger: ChannelLedger;
  readonly chaincodes: ChaincodeRegistry;
  readonly runtime: ChaincodeRuntime;
  readonly signer: SigningIdentity;
  readonly checks: ProposalCheckContext;
}

export class Endorser {
  /** name → `packageId@address` the runtime was connected with, so a redefinition re-dials and nothing else does. */
  private readonly connected = new Map<string, string>();

  constructor(private readonly deps: EndorserDeps) {}

  async processProposal(signed: peer.SignedProposal, readOnly: boolean): Promise<EndorserOutcome> {
    let proposal: UnpackedProposal;
    try {
      proposal = unpackSignedProposal(signed);
    } catch (error) {
      if (error instanceof ProposalFormatError) return failure(error.message, true);
      throw error;
    }
    if (proposal.channelId !== this.deps.channelId) {
      return failure(`channel '${proposal.channelId}' not found`, true);
    }
    try {
      await checkProposal(proposal, this.deps.checks);
    } catch (error) {
      if (error instanceof ProposalRejectedError) return { ...failure(error.message, true), proposal };
      throw error;
    }
    if (proposal.chaincodeName === QSCC) {
      const answer = await invokeQscc(proposal.chaincodeInputBytes, proposal.channelId, this.deps.ledger);
      // A system chaincode reads no state through the simulator: its rwset is empty, as Fabric's is.
      return this.respond(proposal, { name: QSCC, version: '' }, { ...answer, results: new Uint8Array() });
    }
    const definition = this.deps.chaincodes.get(proposal.chaincodeName);
    if (definition === undefined) {
      return {
        ...failure(
          `make sure the chaincode ${proposal.chaincodeName} has been successfully defined on channel ` +
            `${proposal.channelId} and try again: chaincode definition for '${proposal.chaincodeName}' not found`,
          false,
        ),
        proposal,
      };
    }
    let result;
    try {
      const target = `${definition.packageId}@${definition.address}`;
      if (this.connected.get(definition.name) !== target) {
        await this.deps.runtime.connect(definition.name, definition.packageId, definition.address);
        this.connected.set(definition.name, target);
      }
      result = await this.deps.runtime.execute({
        channelId: proposal.channelId,
        txId: proposal.txId,
        chaincodeName: definition.name,
        signedProposal: proposal.signedProposalBytes,
        input: proposal.chaincodeInputBytes,
        readOnly,
        state: this.deps.ledger,
        timeoutMs: EXECUTE_TIMEOUT_MS,
      });
    } catch (error) {
      if (error instanceof ChaincodeUnavailableError) {
        return {
          ...failure(
            `error in simulation: failed to execute transaction ${proposal.txId}: ${error.message}`,
            false,
          ),
          proposal,
        };
      }
      throw error;
    }
    return this.respond(proposal, definition, result);
  }

  /** The ProposalResponse for a chaincode's result, endorsed below Fabric's error threshold. */
  private respond(
    proposal: UnpackedProposal,
    definition: { name: string; version: string },
    result: ChaincodeResult,
  ): EndorserOutcome {
    const response = new peer.Response();
    response.setStatus(result.status);
    response.setMessage(result.message);
    response.setPayload(result.payload);

    const action = new peer.ChaincodeAction();
    action.setResults(result.results);
    if (result.event !== undefined) action.setEvents(result.event);
    action.setResponse(response);
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(definition.name);
    chaincodeId.setVersion(definition.version);
    action.setChaincodeId(chaincodeId);

    const payload = new peer.ProposalResponsePayload();
    payload.setProposalHash(proposalHash(proposal));
    payload.setExtension$(action.serializeBinary());
    const payloadBytes = payload.serializeBinary();

    const proposalResponse = new peer.ProposalResponse();
    proposalResponse.setVersion(1);
    proposalResponse.setResponse(response);
    if (result.status >= ERROR) {
      proposalResponse.setPayload(payloadBytes);
      return { response: proposalResponse, proposal };
    }
    if (result.status >= ERROR_THRESHOLD) {
      return { response: proposalResponse, proposal };
    }
    proposalResponse.setPayload(payloadBytes);
    proposalResponse.setEndorsement(this.endorse(payloadBytes));
    const interest = new peer.ChaincodeInterest();
    const call = new peer.ChaincodeCall();
    call.setName(definition.name);
    interest.setChaincodesList([call]);
    proposalResponse.setInterest(interest);
    return { response: proposalResponse, proposal };
  }

  /** The default ESCC: the peer signs payload ‖ its serialized identity. */
  private endorse(payloadBytes: Uint8Array): peer.Endorsement {
    const endorser = this.deps.signer.serialized;
    const message = new Uint8Array(payloadBytes.length + endorser.length);
    message.set(payloadBytes, 0);
    message.set(endorser, payloadBytes.length);
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(endorser);
    endorsement.setSignature(this.deps.signer.sign(message));
    return endorsement;
  }
}

function failure(message: string, withError: boolean): EndorserOutcome {
  const response = new peer.Response();
  response.setStatus(ERROR);
  response.setMessage(message);
  const proposalResponse = new peer.ProposalResponse();
  proposalResponse.setResponse(response);
  return withError ? { response: proposalResponse, error: message } : { response: proposalResponse };
}
