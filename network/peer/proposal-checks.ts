/**
 * The endorser's pre-processing of a proposal (Fabric core/endorser: UnpackedProposal.Validate, then preProcess):
 * header type, epoch, nonce, creator, tx id, creator identity and signature, duplicate tx id, then the channel's
 * Writers. Messages are Fabric's, so a client sees the text it would get from a real peer.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { IdentityValidator, PolicySigner, ValidatedIdentity } from '../msp/types.js';
import { computeTxId, type UnpackedProposal } from '../protocol/proposal.js';

export class ProposalRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProposalRejectedError';
  }
}

export interface ProposalCheckContext {
  readonly identities: IdentityValidator;
  readonly isTxIdCommitted: (txId: string) => Promise<boolean>;
  /** The channel's /Channel/Application/Writers policy: Fabric's default ACL for peer/Propose. */
  readonly writers: (signers: readonly PolicySigner[]) => boolean;
}

const HEADER_TYPE_NAMES = new Map<number, string>(
  Object.entries(common.HeaderType as unknown as Record<string, number>).map(
    ([name, value]): [number, string] => [value, name],
  ),
);

export async function checkProposal(
  p: UnpackedProposal,
  ctx: ProposalCheckContext,
): Promise<ValidatedIdentity> {
  const type = p.channelHeader.getType();
  if (type !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw validating(`invalid header type ${HEADER_TYPE_NAMES.get(type) ?? String(type)}`);
  }
  if (p.channelHeader.getEpoch() !== 0) throw validating('epoch is non-zero');
  const nonce = p.signatureHeader.getNonce_asU8();
  const creator = p.signatureHeader.getCreator_asU8();
  if (nonce.length === 0) throw validating('nonce is empty');
  if (creator.length === 0) throw validating('creator is empty');
  const expected = computeTxId(nonce, creator);
  if (p.txId !== expected)
    throw validating(`incorrectly computed txid '${p.txId}' -- expected '${expected}'`);
  if (p.signature.length === 0) throw validating('empty signature bytes');

  let mspId: string;
  try {
    mspId = msp.SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    throw validating(`access denied: channel [${p.channelId}] creator org unknown, creator is malformed`);
  }
  // Fabric logs the reason and tells the client only this, so probing identities learns nothing. Built only when
  // thrown: an Error captures a stack trace, a cost every accepted proposal paid when this was a constant.
  const denied = () => validating(`access denied: channel [${p.channelId}] creator org [${mspId}]`);
  let identity: ValidatedIdentity;
  try {
    identity = ctx.identities.validate(creator);
  } catch {
    throw denied();
  }
  if (!identity.verify(p.proposalBytes, p.signature)) throw denied();

  if (await ctx.isTxIdCommitted(p.txId)) {
    throw new ProposalRejectedError(
      `duplicate transaction found [${p.txId}]. Creator [${Buffer.from(creator).toString('hex')}]`,
    );
  }
  if (!ctx.writers([identity])) {
    throw new ProposalRejectedError(
      `failed evaluating policy on signed data during check policy on channel [${p.channelId}] with policy ` +
        `[/Channel/Application/Writers]: [implicit policy evaluation failed - 0 sub-policies were satisfied, ` +
        `but this policy requires 1 of the 'Writers' sub-policies to be satisfied]`,
    );
  }
  return identity;
}

function validating(message: string): ProposalRejectedError {
  return new ProposalRejectedError(`error validating proposal: ${message}`);
}
