/**
 * TEST ONLY: a client identity and SignedProposal built the way fabric-gateway builds them, so the real shim can
 * read creator, timestamp and certificate attributes. The certificate carries Fabric CA's attribute extension
 * (OID 1.2.3.4.5.6.7.8.1, raw JSON `{"attrs":{…}}`), which fabric-shim's ClientIdentity parses.
 */
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata polyfill loaded first. It is
// installed through fabric-contract-api, not as a direct dependency.
import 'reflect-metadata';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { appendBytes, timestampField } from './protobuf-timestamp.js';

// Node's webcrypto is the WebCrypto x509 expects; the project's lib has no DOM types to say so.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestIdentity {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly privateKey: webcrypto.CryptoKey;
}

export async function createTestIdentity(
  attributes: Record<string, string>,
  commonName = 'user1',
  mspId = 'Org1MSP',
): Promise<TestIdentity> {
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=${commonName}, OU=client, O=org1.example.com`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    signingAlgorithm: ECDSA,
    keys,
    extensions: [
      new x509.Extension(
        FABRIC_ATTRIBUTES_OID,
        false,
        new TextEncoder().encode(JSON.stringify({ attrs: attributes })),
      ),
    ],
  });
  return { mspId, certificatePem: certificate.toString('pem'), privateKey: keys.privateKey };
}

export interface TestProposal {
  readonly txId: string;
  readonly signedProposal: Uint8Array;
  /** bytes(ChaincodeInput), what the peer puts in TRANSACTION.payload. */
  readonly input: Uint8Array;
  readonly timestampSeconds: number;
}

export async function buildProposal(
  identity: TestIdentity,
  options: { channelId: string; chaincodeName: string; args: readonly (string | Uint8Array)[] },
): Promise<TestProposal> {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(new TextEncoder().encode(identity.certificatePem));
  const creatorBytes = creator.serializeBinary();
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(creatorBytes).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(options.chaincodeName);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const timestampSeconds = Math.floor(Date.now() / 1000);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(options.channelId);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(0);
  channelHeader.setExtension$(extension.serializeBinary());
  // ChannelHeader.timestamp is field 3.
  const channelHeaderBytes = appendBytes(
    channelHeader.serializeBinary(),
    timestampField(3, { seconds: timestampSeconds, nanos: 123_000_000 }),
  );

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeaderBytes);
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(
    options.args.map((arg) => (typeof arg === 'string' ? new TextEncoder().encode(arg) : arg)),
  );
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocationSpec = new peer.ChaincodeInvocationSpec();
  invocationSpec.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocationSpec.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();

  const signature = await webcrypto.subtle.sign(ECDSA, identity.privateKey, proposalBytes);
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(new Uint8Array(signature));
  return { txId, signedProposal: signed.serializeBinary(), input: input.serializeBinary(), timestampSeconds };
}
