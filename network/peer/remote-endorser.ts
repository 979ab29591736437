/**
 * A gRPC client for another peer's `protos.Endorser/ProcessProposal`, over TLS with the peer's org TLS root (the
 * gateway's connection to the endorsers discovery names). Every call has a deadline, so a hung peer counts as down.
 */
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { EndorserUnreachableError, type RemoteEndorser } from './endorsement-collector.js';

/** Codes that say nothing about the proposal, only that this peer cannot answer now. */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export interface RemoteEndorserTarget {
  readonly address: string;
  readonly mspId: string;
  readonly tlsRootCertPem: string;
  readonly hostAlias: string;
}

export function remoteEndorser(target: RemoteEndorserTarget, deadlineMs = 30_000): RemoteEndorser {
  const client = new peer.EndorserClient(
    target.address,
    credentials.createSsl(Buffer.from(target.tlsRootCertPem)),
    {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.ssl_target_name_override': target.hostAlias,
    },
  );
  return {
    address: target.address,
    mspId: target.mspId,
    processProposal: (signed) =>
      new Promise((resolve, reject) => {
        client.processProposal(
          signed,
          { deadline: Date.now() + deadlineMs },
          (error: ServiceError | null, response?: peer.ProposalResponse) => {
            if (error) {
              const message = error.details || error.message;
              reject(
                UNREACHABLE.has(error.code)
                  ? new EndorserUnreachableError(message, { cause: error })
                  : new Error(message, { cause: error }),
              );
            } else if (response === undefined) reject(new Error('endorser returned no response'));
            else resolve(response);
          },
        );
      }),
  };
}
