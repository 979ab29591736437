/**
 * The channel Readers check for signed gateway requests (CommitStatus, ChaincodeEvents) and Deliver seeks: the
 * identity must satisfy the channel's Readers policy and its signature over the request bytes must verify. Returns Fabric's refusal text, or undefined when allowed.
 */
import type { IdentityValidator, PolicySigner } from '../msp/types.js';
import { rpcError, Status, type RpcError } from './rpc-error.js';

export interface ReadAccess {
  readonly identities: IdentityValidator;
  /** The channel's /Channel/Application/Readers policy. */
  readonly readers: (signers: readonly PolicySigner[]) => boolean;
}

export function checkSignedRequest(
  deps: ReadAccess,
  channelId: string,
  data: Uint8Array,
  identityBytes: Uint8Array,
  signature: Uint8Array,
): string | undefined {
  const refusal =
    `failed evaluating policy on signed data during check policy on channel [${channelId}] with policy ` +
    `[/Channel/Application/Readers]: [implicit policy evaluation failed - 0 sub-policies were satisfied, but this ` +
    `policy requires 1 of the 'Readers' sub-policies to be satisfied]`;
  try {
    const identity = deps.identities.validate(identityBytes);
    if (!deps.readers([identity])) return refusal;
    return identity.verify(data, signature) ? undefined : refusal;
  } catch {
    return refusal;
  }
}

/**
 * The gateway's checks on a signed CommitStatus / ChaincodeEvents request once decoded: Readers (PERMISSION_DENIED)
 * then the channel (NOT_FOUND). Undefined when the request may go on.
 */
export function refuseSignedRequest(
  deps: ReadAccess & { readonly channelId: string },
  request: { getChannelId(): string; getIdentity_asU8(): Uint8Array },
  requestBytes: Uint8Array,
  signature: Uint8Array,
): RpcError | undefined {
  const channelId = request.getChannelId();
  const denied = checkSignedRequest(deps, channelId, requestBytes, request.getIdentity_asU8(), signature);
  if (denied !== undefined) return rpcError(Status.PERMISSION_DENIED, denied);
  if (channelId !== deps.channelId) return rpcError(Status.NOT_FOUND, `channel '${channelId}' not found`);
  return undefined;
}
