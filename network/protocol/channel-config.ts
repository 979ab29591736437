/**
 * The channel's genesis block: a real common.Config, laid out as configtxgen writes it for Fabric's test network
 * (TwoOrgsApplicationGenesis with etcdraft), so block-listening tools and the peer can decode it. Pure: plain data
 * in, block bytes out.
 */
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { Map as ProtoMap } from 'google-protobuf';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { buildBlock, type BuiltBlock } from './block-builder.js';
import {
  anyOf,
  encodePolicy,
  implicitMeta,
  type ChannelPolicy,
  type Principal,
} from './channel-config-policy.js';

export interface NodeOUsInput {
  readonly enable: boolean;
  /** The CA certificate the OU identifiers name (cryptogen's config.yaml: cacerts/ca.<org>-cert.pem). */
  readonly certificatePem?: string;
}

export interface ChannelOrgInput {
  readonly mspId: string;
  readonly rootCertsPem: readonly string[];
  readonly tlsRootCertsPem: readonly string[];
  /** Default: enabled, identifiers naming the first root certificate. */
  readonly nodeOUs?: NodeOUsInput;
  readonly anchorPeers?: readonly { readonly host: string; readonly port: number }[];
  /** Orderer orgs only: the org's orderer endpoints ('host:port'), configtx's OrdererEndpoints. */
  readonly ordererEndpoints?: readonly string[];
}

export interface ConsenterInput {
  readonly host: string;
  readonly port: number;
  readonly clientTlsCertPem: string;
  readonly serverTlsCertPem: string;
}

/** Fabric's Orderer.BatchSize and BatchTimeout. */
export interface BatchSettings {
  readonly maxMessageCount: number;
  readonly absoluteMaxBytes: number;
  readonly preferredMaxBytes: number;
  readonly batchTimeoutMs: number;
}

/**
 * Defaults tuned for load rather than Fabric's samples (10 messages / 2 s). 500 messages and 2 MB preferred are the
 * settings of Fabric's own 2.5 benchmark; 10 MB absolute bounds one transaction far above any FHIR bundle we write
 * while keeping a block well inside gRPC's 100 MB limit. 100 ms timeout: each block costs one fsync at the orderer
 * and the peer plus one Deliver message (a few ms), so ten blocks a second is cheap, and a short timeout halves the
 * commit wait of closed-loop clients compared with 250 ms, which is what bounds their throughput.
 */
export const DEFAULT_BATCH_SETTINGS: BatchSettings = Object.freeze({
  maxMessageCount: 500,
  absoluteMaxBytes: 10 * 1024 * 1024,
  preferredMaxBytes: 2 * 1024 * 1024,
  batchTimeoutMs: 100,
});

export interface ChannelConfigInput {
  readonly channelId: string;
  readonly orgs: readonly ChannelOrgInput[];
  readonly ordererOrgs: readonly ChannelOrgInput[];
  /** Endpoints of orderer orgs that give no `ordererEndpoints` of their own (V3_0 has no global addresses). */
  readonly ordererAddresses: readonly string[];
  readonly consenters: readonly ConsenterInput[];
  readonly batch?: BatchSettings;
  /** Optional peer ACLs (resource name → policy reference such as '/Channel/Application/Writers'). */
  readonly acls?: Readonly<Record<string, string>>;
}

const ADMINS = 'Admins';
const encoder = new TextEncoder();
// google-protobuf is CommonJS without named ESM exports.
const { Timestamp } = timestampPb;

function configValue(message: { serializeBinary(): Uint8Array }): common.ConfigValue {
  const value = new common.ConfigValue();
  value.setValue(message.serializeBinary());
  value.setModPolicy(ADMINS);
  return value;
}

function configPolicy(policy: ChannelPolicy): common.ConfigPolicy {
  const out = new common.ConfigPolicy();
  out.setPolicy(encodePolicy(policy));
  out.setModPolicy(ADMINS);
  return out;
}

function capabilities(names: readonly string[]): common.Capabilities {
  const out = new common.Capabilities();
  for (const name of names) out.getCapabilitiesMap().set(name, new common.Capability());
  return out;
}

function setAll<T>(map: ProtoMap<string, T>, entries: Record<string, T>): void {
  for (const [key, value] of Object.entries(entries)) map.set(key, value);
}

/** configtxgen's duration text for BatchTimeout (Go's time.Duration String for whole ms). */
export function formatGoDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function mspConfig(org: ChannelOrgInput): msp.MSPConfig {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(org.mspId);
  fabric.setRootCertsList(org.rootCertsPem.map((pem) => encoder.encode(pem)));
  fabric.setTlsRootCertsList(org.tlsRootCertsPem.map((pem) => encoder.encode(pem)));
  const crypto = new msp.FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  fabric.setCryptoConfig(crypto);
  const nodeOUs = org.nodeOUs ?? { enable: true };
  const ous = new msp.FabricNodeOUs();
  ous.setEnable(nodeOUs.enable);
  if (nodeOUs.enable) {
    const certificate = nodeOUs.certificatePem ?? org.rootCertsPem[0];
    const identifier = (ou: string): msp.FabricOUIdentifier => {
      const id = new msp.FabricOUIdentifier();
      if (certificate !== undefined) id.setCertificate(encoder.encode(certificate));
      id.setOrganizationalUnitIdentifier(ou);
      return id;
    };
    ous.setClientOuIdentifier(identifier('client'));
    ous.setPeerOuIdentifier(identifier('peer'));
    ous.setAdminOuIdentifier(identifier('admin'));
    ous.setOrdererOuIdentifier(identifier('orderer'));
  }
  fabric.setFabricNodeOus(ous);
  const out = new msp.MSPConfig();
  out.setType(0); // FABRIC
  out.setConfig(fabric.serializeBinary());
  return out;
}

/** The test network's org policies (configtx.yaml of fabric-samples). */
export function applicationOrgPolicies(mspId: string): Record<string, ChannelPolicy> {
  const p = (role: Principal['role']): Principal => ({ mspId, role });
  return {
    Readers: anyOf([p('admin'), p('peer'), p('client')]),
    Writers: anyOf([p('admin'), p('client')]),
    Admins: anyOf([p('admin')]),
    Endorsement: anyOf([p('peer')]),
  };
}

export function ordererOrgPolicies(mspId: string): Record<string, ChannelPolicy> {
  return {
    Readers: anyOf([{ mspId, role: 'member' }]),
    Writers: anyOf([{ mspId, role: 'member' }]),
    Admins: anyOf([{ mspId, role: 'admin' }]),
  };
}

function orgGroup(
  org: ChannelOrgInput,
  policies: Record<string, ChannelPolicy>,
  ordererEndpoints: readonly string[] | undefined,
): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy(ADMINS);
  group.getValuesMap().set('MSP', configValue(mspConfig(org)));
  const isOrderer = ordererEndpoints !== undefined;
  if (isOrderer && ordererEndpoints.length > 0) {
    const endpoints = new common.OrdererAddresses();
    endpoints.setAddressesList([...ordererEndpoints]);
    group.getValuesMap().set('Endpoints', configValue(endpoints));
  }
  if (!isOrderer && org.anchorPeers && org.anchorPeers.length > 0) {
    const anchors = new peer.AnchorPeers();
    anchors.setAnchorPeersList(
      org.anchorPeers.map((a) => {
        const anchor = new peer.AnchorPeer();
        anchor.setHost(a.host);
        anchor.setPort(a.port);
        return anchor;
      }),
    );
    group.getValuesMap().set('AnchorPeers', configValue(anchors));
  }
  for (const [name, policy] of Object.entries(policies))
    group.getPoliciesMap().set(name, configPolicy(policy));
  return group;
}

function ordererGroup(input: ChannelConfigInput, batch: BatchSettings): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy(ADMINS);
  for (const org of input.ordererOrgs) {
    // V3_0 forbids the global /Channel/OrdererAddresses ("global OrdererAddresses are not allowed with V3_0
    // capability, use org specific addresses only"), so the addresses live in the orderer orgs' Endpoints.
    group
      .getGroupsMap()
      .set(
        org.mspId,
        orgGroup(org, ordererOrgPolicies(org.mspId), org.ordererEndpoints ?? input.ordererAddresses),
      );
  }
  const raft = new orderer.etcdraft.ConfigMetadata();
  raft.setConsentersList(
    input.consenters.map((c) => {
      const consenter = new orderer.etcdraft.Consenter();
      consenter.setHost(c.host);
      consenter.setPort(c.port);
      consenter.setClientTlsCert(encoder.encode(c.clientTlsCertPem));
      consenter.setServerTlsCert(encoder.encode(c.serverTlsCertPem));
      return consenter;
    }),
  );
  // sampleconfig's etcdraft options (configtx.yaml Orderer.EtcdRaft.Options).
  const options = new orderer.etcdraft.Options();
  options.setTickInterval('500ms');
  options.setElectionTick(10);
  options.setHeartbeatTick(1);
  options.setMaxInflightBlocks(5);
  options.setSnapshotIntervalSize(16 * 1024 * 1024);
  raft.setOptions(options);
  const consensus = new orderer.ConsensusType();
  consensus.setType('etcdraft');
  consensus.setMetadata(raft.serializeBinary());
  consensus.setState(orderer.ConsensusType.State.STATE_NORMAL);

  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(batch.maxMessageCount);
  batchSize.setAbsoluteMaxBytes(batch.absoluteMaxBytes);
  batchSize.setPreferredMaxBytes(batch.preferredMaxBytes);
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(formatGoDuration(batch.batchTimeoutMs));
  const restrictions = new orderer.ChannelRestrictions();
  restrictions.setMaxCount(0);

  setAll(group.getValuesMap(), {
    ConsensusType: configValue(consensus),
    BatchSize: configValue(batchSize),
    BatchTimeout: configValue(batchTimeout),
    ChannelRestrictions: configValue(restrictions),
    Capabilities: configValue(capabilities(['V2_0'])),
  });
  setAll(group.getPoliciesMap(), {
    Readers: configPolicy(implicitMeta('ANY', 'Readers')),
    Writers: configPolicy(implicitMeta('ANY', 'Writers')),
    Admins: configPolicy(implicitMeta('MAJORITY', 'Admins')),
    BlockValidation: configPolicy(implicitMeta('ANY', 'Writers')),
  });
  return group;
}

function applicationGroup(input: ChannelConfigInput): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy(ADMINS);
  for (const org of input.orgs) {
    group.getGroupsMap().set(org.mspId, orgGroup(org, applicationOrgPolicies(org.mspId), undefined));
  }
  group.getValuesMap().set('Capabilities', configValue(capabilities(['V2_5'])));
  if (input.acls) {
    const acls = new peer.ACLs();
    for (const [resource, policyRef] of Object.entries(input.acls)) {
      const api = new peer.APIResource();
      api.setPolicyRef(policyRef);
      acls.getAclsMap().set(resource, api);
    }
    group.getValuesMap().set('ACLs', configValue(acls));
  }
  setAll(group.getPoliciesMap(), {
    Readers: configPolicy(implicitMeta('ANY', 'Readers')),
    Writers: configPolicy(implicitMeta('ANY', 'Writers')),
    Admins: configPolicy(implicitMeta('MAJORITY', 'Admins')),
    Endorsement: configPolicy(implicitMeta('MAJORITY', 'Endorsement')),
    LifecycleEndorsement: configPolicy(implicitMeta('MAJORITY', 'Endorsement')),
  });
  return group;
}

export class ChannelConfigError extends Error {
  readonly code = 'CHANNEL_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelConfigError';
  }
}

/** The checks Fabric's channelconfig applies on load (orderer.go validateBatchSize/Timeout), with its messages. */
function validate(input: ChannelConfigInput, batch: BatchSettings): void {
  if (!/^[a-z][a-z0-9.-]*$/.test(input.channelId) || input.channelId.length > 249) {
    throw new ChannelConfigError(`channel name '${input.channelId}' contains illegal characters`);
  }
  if (!Number.isInteger(batch.maxMessageCount) || batch.maxMessageCount <= 0) {
    throw new ChannelConfigError(
      `Attempted to set the batch size max message count to an invalid value: ${batch.maxMessageCount}`,
    );
  }
  if (!Number.isInteger(batch.absoluteMaxBytes) || batch.absoluteMaxBytes <= 0) {
    throw new ChannelConfigError(
      `Attempted to set the batch size absolute max bytes to an invalid value: ${batch.absoluteMaxBytes}`,
    );
  }
  if (!Number.isInteger(batch.preferredMaxBytes) || batch.preferredMaxBytes <= 0) {
    throw new ChannelConfigError(
      `Attempted to set the batch size preferred max bytes to an invalid value: ${batch.preferredMaxBytes}`,
    );
  }
  if (batch.preferredMaxBytes > batch.absoluteMaxBytes) {
    throw new ChannelConfigError(
      `Attempted to set the batch size preferred max bytes (${batch.preferredMaxBytes}) greater than the absolute max bytes (${batch.absoluteMaxBytes}).`,
    );
  }
  if (!(batch.batchTimeoutMs > 0)) {
    throw new ChannelConfigError(
      `Attempted to set the batch timeout to a non-positive value: ${formatGoDuration(batch.batchTimeoutMs)}`,
    );
  }
  if (input.ordererOrgs.length === 0)
    throw new ChannelConfigError('the channel needs at least one orderer organization');
  for (const org of [...input.orgs, ...input.ordererOrgs]) {
    if (org.rootCertsPem.length === 0)
      throw new ChannelConfigError(`MSP ${org.mspId} has no root certificates`);
  }
}

/** The channel's common.Config (sequence 0, as configtxgen's genesis). Throws ChannelConfigError on bad input. */
export function buildChannelConfig(input: ChannelConfigInput): common.Config {
  const batch = input.batch ?? DEFAULT_BATCH_SETTINGS;
  validate(input, batch);
  const channel = new common.ConfigGroup();
  channel.setModPolicy(ADMINS);
  channel.getGroupsMap().set('Orderer', ordererGroup(input, batch));
  channel.getGroupsMap().set('Application', applicationGroup(input));

  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  const dataHashing = new common.BlockDataHashingStructure();
  dataHashing.setWidth(0xffffffff);
  setAll(channel.getValuesMap(), {
    HashingAlgorithm: configValue(hashing),
    BlockDataHashingStructure: configValue(dataHashing),
    Capabilities: configValue(capabilities(['V3_0'])),
  });
  setAll(channel.getPoliciesMap(), {
    Readers: configPolicy(implicitMeta('ANY', 'Readers')),
    Writers: configPolicy(implicitMeta('ANY', 'Writers')),
    Admins: configPolicy(implicitMeta('MAJORITY', 'Admins')),
  });

  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channel);
  return config;
}

/**
 * bytes(Envelope{Payload{Header{ChannelHeader{type CONFIG, channel_id, timestamp}, SignatureHeader{}},
 * data = ConfigEnvelope{config}}}), unsigned, as configtxgen's genesis (CreateSignedEnvelope with a nil signer).
 */
export function buildConfigEnvelope(input: ChannelConfigInput, now: Date = new Date()): Uint8Array {
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(buildChannelConfig(input));

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setVersion(0);
  channelHeader.setChannelId(input.channelId);
  channelHeader.setEpoch(0);
  const ts = new Timestamp();
  ts.setSeconds(Math.floor(now.getTime() / 1000));
  // protoutil.MakeChannelHeader stamps whole seconds (Nanos: 0).
  channelHeader.setTimestamp(ts);
  const signatureHeader = new common.SignatureHeader();
  // CreateSignedEnvelope with a nil signer leaves the SignatureHeader empty (no creator, no nonce).

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

/** Block 0 of the channel: the config envelope, unsigned, LAST_CONFIG 0 (common/genesis/genesis.go). */
export function buildGenesisBlock(input: ChannelConfigInput, now?: Date): BuiltBlock {
  return buildBlock({
    number: 0,
    previousHash: new Uint8Array(),
    envelopes: [buildConfigEnvelope(input, now)],
    lastConfigIndex: 0,
  });
}
