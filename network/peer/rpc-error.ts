/**
 * gRPC errors as Fabric's gateway sends them: a status code, a message, and `gateway.ErrorDetail`s (one per endpoint
 * that failed) packed into the `grpc-status-details-bin` trailer as a google.rpc.Status, which
 * @hyperledger/fabric-gateway unpacks into GatewayError.details.
 */
import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';

export interface EndpointError {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

export type RpcError = Partial<ServiceError> & { code: Status; details: string; metadata: Metadata };

export function rpcError(code: Status, message: string, details: readonly EndpointError[] = []): RpcError {
  const metadata = new Metadata();
  if (details.length > 0) {
    const rpcStatus = new google.rpc.Status();
    rpcStatus.setCode(code);
    rpcStatus.setMessage(message);
    rpcStatus.setDetailsList(
      details.map((detail) => {
        const errorDetail = new gateway.ErrorDetail();
        errorDetail.setAddress(detail.address);
        errorDetail.setMspId(detail.mspId);
        errorDetail.setMessage(detail.message);
        const any = new anyPb.Any();
        any.pack(errorDetail.serializeBinary(), 'gateway.ErrorDetail');
        return any;
      }),
    );
    metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.serializeBinary()));
  }
  return { code, details: message, metadata };
}

export { Status };
