/**
 * The checks Broadcast and Deliver share: take a client Envelope apart (protoutil.ChannelHeader,
 * EnvelopeAsSignedData) and evaluate a channel policy for its signer (msgprocessor.SigFilter, deliver's SessionAC).
 * Messages are Fabric's, because clients show them to users.
 */
import { common } from '@hyperledger/fabric-protos';
import type { IdentityValidator, ValidatedIdentity } from '../msp/types.js';
import { evaluatePolicy, type PolicyGroup } from '../protocol/channel-config-policy.js';

export interface OpenedEnvelope {
  readonly payload: common.Payload;
  readonly channelHeader: common.ChannelHeader;
}

export class EnvelopeError extends Error {
  readonly code = 'BAD_ENVELOPE';
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** protoutil.ChannelHeader: the payload must decode and carry a header with a channel header. */
export function openEnvelope(envelope: common.Envelope): OpenedEnvelope {
  let payload: common.Payload;
  try {
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  } catch (error) {
    throw new EnvelopeError(`error unmarshalling Payload: ${String(error)}`);
  }
  const header = payload.getHeader();
  if (!header) throw new EnvelopeError('header not set');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  if (channelHeaderBytes.length === 0) throw new EnvelopeError('channel header not set');
  try {
    return { payload, channelHeader: common.ChannelHeader.deserializeBinary(channelHeaderBytes) };
  } catch (error) {
    throw new EnvelopeError(`error unmarshalling channel header: ${String(error)}`);
  }
}

export type AccessResult =
  | { readonly ok: true; readonly identity: ValidatedIdentity }
  /** `malformed`: no signature header to check (BAD_REQUEST); otherwise the policy was not met (FORBIDDEN). */
  | { readonly ok: false; readonly malformed: boolean; readonly message: string };

/**
 * Checks that the envelope's creator is a valid identity, that it signed the payload bytes, and that it satisfies
 * `policyName` of the channel. As in Fabric, an unknown identity or a bad signature simply leaves the signature set
 * empty, so all three failures read as the policy's own failure message.
 */
export function checkEnvelopeAccess(
  envelope: common.Envelope,
  opened: OpenedEnvelope,
  channelPolicies: PolicyGroup,
  policyName: string,
  identities: IdentityValidator,
): AccessResult {
  const signatureHeaderBytes = opened.payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array();
  let creator: Uint8Array;
  try {
    creator = common.SignatureHeader.deserializeBinary(signatureHeaderBytes).getCreator_asU8();
  } catch (error) {
    return {
      ok: false,
      malformed: true,
      message: `could not convert message to signedData: ${String(error)}`,
    };
  }
  let identity: ValidatedIdentity | undefined;
  try {
    const candidate = identities.validate(creator);
    if (candidate.verify(envelope.getPayload_asU8(), envelope.getSignature_asU8())) identity = candidate;
  } catch {
    // An identity the MSP refuses contributes no signer, exactly like a bad signature; the policy reports it.
    identity = undefined;
  }
  const result = evaluatePolicy(channelPolicies, policyName, identity ? [identity] : []);
  if (result.ok && identity) return { ok: true, identity };
  return {
    ok: false,
    malformed: false,
    message: result.ok ? 'signature set did not satisfy policy' : result.message,
  };
}
