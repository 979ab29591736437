/**
 * protos.Endorser/ProcessProposal over gRPC. Fabric's endorser returns an error beside the response when a proposal
 * fails unpacking or pre-processing; gRPC then delivers only the error (status UNKNOWN, the message as text).
 */
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { peer } from '@hyperledger/fabric-protos';
import type { Endorser } from './endorser.js';
import { rpcError, Status } from './rpc-error.js';

export function endorserService(endorser: Endorser): peer.IEndorserServer {
  return {
    processProposal(
      call: ServerUnaryCall<peer.SignedProposal, peer.ProposalResponse>,
      callback: sendUnaryData<peer.ProposalResponse>,
    ) {
      endorser
        .processProposal(call.request, false)
        .then((outcome) => {
          if (outcome.error !== undefined) callback(rpcError(Status.UNKNOWN, outcome.error));
          else callback(null, outcome.response);
        })
        .catch((error: unknown) => {
          callback(rpcError(Status.INTERNAL, error instanceof Error ? error.message : String(error)));
        });
    },
  };
}
