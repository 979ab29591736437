/**
 * The committer's first look at one transaction, in the order of Fabric's ValidateTransaction
 * (core/common/validation/msgvalidation.go): payload, common header, the creator's signature over Envelope.payload,
 * then per type the txid and the endorser transaction's structure and proposal hash. Each failure has the code
 * Fabric gives it. Every message is decoded once here and handed on.
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { IdentityValidator } from '../msp/types.js';
import { TxValidationCode, type TxValidationCodeValue } from './types.js';
import { computeTxId } from '../protocol/proposal.js';

const HeaderType = { CONFIG: 1, CONFIG_UPDATE: 2, ENDORSER_TRANSACTION: 3 } as const;

export interface DecodedHeader {
  readonly headerType: number;
  readonly txId: string;
  readonly channelId: string;
  readonly timestamp: { seconds: number; nanos: number };
  readonly channelHeaderBytes: Uint8Array;
  /** ChannelHeader.extension: ChaincodeHeaderExtension for an endorser transaction. */
  readonly extension: Uint8Array;
  readonly creator: Uint8Array;
  readonly nonce: Uint8Array;
}

/** The one action of an endorser transaction, as far as the envelope checks decode it. */
export interface DecodedEndorserAction {
  /** bytes(ProposalResponsePayload) exactly as the endorsers signed them. */
  readonly proposalResponsePayload: Uint8Array;
  /** ProposalResponsePayload.extension: bytes(ChaincodeAction), decoded by the dispatcher checks. */
  readonly chaincodeAction: Uint8Array;
  readonly endorsements: readonly peer.Endorsement[];
}

export interface EnvelopeCheckResult {
  readonly code: TxValidationCodeValue;
  /** Present once the common header decoded, whatever the code (the txid index and listeners want it). */
  readonly header?: DecodedHeader;
  /** Present for a VALID endorser transaction. */
  readonly action?: DecodedEndorserAction;
}

export interface EnvelopeCheckOptions {
  readonly identities: IdentityValidator;
  /**
   * False for the genesis block only: Fabric commits it at channel join without validation, and configtxgen's
   * genesis envelope has neither creator nor signature.
   */
  readonly verifyCreator: boolean;
}

export function checkEnvelope(envelopeBytes: Uint8Array, options: EnvelopeCheckOptions): EnvelopeCheckResult {
  let envelope: common.Envelope;
  let payload: common.Payload;
  try {
    envelope = common.Envelope.deserializeBinary(envelopeBytes);
  } catch {
    // validator.go: an envelope that does not unmarshal is INVALID_OTHER_REASON (NIL_ENVELOPE is for a nil one).
    return { code: TxValidationCode.INVALID_OTHER_REASON };
  }
  const payloadBytes = envelope.getPayload_asU8();
  try {
    payload = common.Payload.deserializeBinary(payloadBytes);
  } catch {
    return { code: TxValidationCode.BAD_PAYLOAD };
  }

  const header = decodeCommonHeader(payload.getHeader(), options.verifyCreator);
  if (header === undefined) return { code: TxValidationCode.BAD_COMMON_HEADER };

  if (
    options.verifyCreator &&
    !creatorSigned(header.creator, envelope.getSignature_asU8(), payloadBytes, options)
  ) {
    return { code: TxValidationCode.BAD_CREATOR_SIGNATURE, header };
  }

  switch (header.headerType) {
    case HeaderType.ENDORSER_TRANSACTION: {
      if (header.txId !== computeTxId(header.nonce, header.creator)) {
        return { code: TxValidationCode.BAD_PROPOSAL_TXID, header };
      }
      const action = decodeEndorserTransaction(payload.getData_asU8(), header);
      if (action === undefined) return { code: TxValidationCode.INVALID_ENDORSER_TRANSACTION, header };
      return { code: TxValidationCode.VALID, header, action };
    }
    case HeaderType.CONFIG:
      // Fabric checks only that data is present; the config itself is checked (and applied) by the channel config
      // machinery, which the devnet does not run: a config transaction changes nothing here.
      return {
        code:
          payload.getData_asU8().length > 0
            ? TxValidationCode.VALID
            : TxValidationCode.INVALID_CONFIG_TRANSACTION,
        header,
      };
    default:
      return { code: TxValidationCode.UNSUPPORTED_TX_PAYLOAD, header };
  }
}

function decodeCommonHeader(header: common.Header | undefined, strict: boolean): DecodedHeader | undefined {
  if (header === undefined) return undefined;
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  const channelHeaderBytes = header.getChannelHeader_asU8();
  try {
    channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  } catch {
    return undefined;
  }
  const headerType = channelHeader.getType();
  const known =
    headerType === HeaderType.ENDORSER_TRANSACTION ||
    headerType === HeaderType.CONFIG ||
    headerType === HeaderType.CONFIG_UPDATE;
  if (!known || channelHeader.getEpoch() !== 0) return undefined;
  const creator = signatureHeader.getCreator_asU8();
  const nonce = signatureHeader.getNonce_asU8();
  if (strict && (creator.length === 0 || nonce.length === 0)) return undefined;
  const timestamp = channelHeader.getTimestamp();
  return {
    headerType,
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
    channelHeaderBytes,
    extension: channelHeader.getExtension_asU8(),
    creator,
    nonce,
  };
}

function creatorSigned(
  creator: Uint8Array,
  signature: Uint8Array,
  payloadBytes: Uint8Array,
  options: EnvelopeCheckOptions,
): boolean {
  try {
    return options.identities.validate(creator).verify(payloadBytes, signature);
  } catch {
    // MspError (unknown MSP, untrusted chain, expired, NodeOU): Fabric maps every creator failure to this code.
    return false;
  }
}

/** validateEndorserTransaction: one action, a well-formed SignatureHeader, and the proposal hash recomputed. */
function decodeEndorserTransaction(
  data: Uint8Array,
  header: DecodedHeader,
): DecodedEndorserAction | undefined {
  try {
    const transaction = peer.Transaction.deserializeBinary(data);
    const actions = transaction.getActionsList();
    const action = actions[0];
    if (actions.length !== 1 || action === undefined) return undefined;
    const actionHeaderBytes = action.getHeader_asU8();
    const actionHeader = common.SignatureHeader.deserializeBinary(actionHeaderBytes);
    if (actionHeader.getNonce_asU8().length === 0 || actionHeader.getCreator_asU8().length === 0)
      return undefined;
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) return undefined;
    const proposalResponsePayload = endorsed.getProposalResponsePayload_asU8();
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(proposalResponsePayload);
    // GetProposalHash2: the client's channel header and the action's signature header, then the proposal payload
    // exactly as the gateway put it in (without the TransientMap).
    const expected = createHash('sha256')
      .update(header.channelHeaderBytes)
      .update(actionHeaderBytes)
      .update(actionPayload.getChaincodeProposalPayload_asU8())
      .digest();
    if (!expected.equals(responsePayload.getProposalHash_asU8())) return undefined;
    return {
      proposalResponsePayload,
      chaincodeAction: responsePayload.getExtension_asU8(),
      endorsements: endorsed.getEndorsementsList(),
    };
  } catch {
    return undefined;
  }
}
