/**
 * Reads a channel's configuration back out of a config block (block 0 for the devnet): the MSPs the peer and the
 * orderer trust, the batch settings the orderer cuts by, and the policy tree that Readers/Writers checks evaluate.
 */
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { Map as ProtoMap } from 'google-protobuf';
import type { BatchSettings, ConsenterInput } from './channel-config.js';
import { decodePolicy, type ChannelPolicy, type PolicyGroup } from './channel-config-policy.js';

export class ConfigDecodeError extends Error {
  readonly code = 'CONFIG_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigDecodeError';
  }
}

export interface DecodedOrg {
  readonly mspId: string;
  readonly rootCertsPem: readonly string[];
  readonly tlsRootCertsPem: readonly string[];
  readonly intermediateCertsPem: readonly string[];
  readonly nodeOUsEnabled: boolean;
  readonly anchorPeers: readonly { readonly host: string; readonly port: number }[];
  readonly ordererEndpoints: readonly string[];
}

export interface DecodedChannelConfig {
  readonly channelId: string;
  readonly sequence: number;
  readonly orgs: readonly DecodedOrg[];
  readonly ordererOrgs: readonly DecodedOrg[];
  /** Pre-V3_0 global /Channel/OrdererAddresses plus every orderer org's Endpoints, deduplicated. */
  readonly ordererAddresses: readonly string[];
  readonly consensusType: string;
  readonly consenters: readonly ConsenterInput[];
  readonly batch: BatchSettings;
  readonly capabilities: {
    readonly channel: readonly string[];
    readonly orderer: readonly string[];
    readonly application: readonly string[];
  };
  readonly hashingAlgorithm: string;
  readonly blockDataHashingWidth: number;
  /** The /Channel group's policies and sub-groups (Orderer, Application and their orgs). */
  readonly policies: PolicyGroup;
}

const decoder = new TextDecoder();

/** A jspb map's entries as decoded messages (getEntryList gives raw arrays for message values). */
function entries<T>(map: ProtoMap<string, T>): [string, T][] {
  const out: [string, T][] = [];
  map.forEach((entry, key) => out.push([key, entry]));
  return out;
}
const text = (bytes: Uint8Array | string): string =>
  typeof bytes === 'string' ? Buffer.from(bytes, 'base64').toString('utf8') : decoder.decode(bytes);

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration for the non-negative values configtx uses ('2s', '250ms', '1m30s'), in milliseconds. */
export function parseGoDuration(value: string): number {
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = pattern.exec(value); m; m = pattern.exec(value)) {
    total += Number(m[1]) * (GO_DURATION_UNITS[m[2] ?? ''] ?? NaN);
    matched = pattern.lastIndex;
  }
  if (value === '0') return 0;
  if (matched !== value.length || value.length === 0 || !Number.isFinite(total)) {
    throw new ConfigDecodeError(`time: invalid duration "${value}"`);
  }
  return total;
}

function value<T>(group: common.ConfigGroup, key: string, decode: (bytes: Uint8Array) => T): T | undefined {
  const v = group.getValuesMap().get(key);
  return v ? decode(v.getValue_asU8()) : undefined;
}

function required<T>(
  group: common.ConfigGroup,
  key: string,
  path: string,
  decode: (bytes: Uint8Array) => T,
): T {
  const out = value(group, key, decode);
  if (out === undefined) throw new ConfigDecodeError(`config value ${path}/${key} is missing`);
  return out;
}

function capabilityNames(group: common.ConfigGroup): string[] {
  const caps = value(group, 'Capabilities', (b) => common.Capabilities.deserializeBinary(b));
  return caps ? entries(caps.getCapabilitiesMap()).map(([name]) => name) : [];
}

function policyGroup(group: common.ConfigGroup): PolicyGroup {
  const policies: Record<string, ChannelPolicy> = {};
  for (const [name, configPolicy] of entries(group.getPoliciesMap())) {
    const policy = configPolicy.getPolicy();
    if (policy) policies[name] = decodePolicy(policy);
  }
  const groups: Record<string, PolicyGroup> = {};
  for (const [name, sub] of entries(group.getGroupsMap())) groups[name] = policyGroup(sub);
  return { policies, groups };
}

function decodeOrg(name: string, group: common.ConfigGroup, path: string): DecodedOrg {
  const mspConfig = required(group, 'MSP', `${path}/${name}`, (b) => msp.MSPConfig.deserializeBinary(b));
  if (mspConfig.getType() !== 0)
    throw new ConfigDecodeError(`MSP ${name} is of type ${mspConfig.getType()}, not FABRIC`);
  const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  const anchors = value(group, 'AnchorPeers', (b) => peer.AnchorPeers.deserializeBinary(b));
  const endpoints = value(group, 'Endpoints', (b) => common.OrdererAddresses.deserializeBinary(b));
  return {
    mspId: fabric.getName(),
    rootCertsPem: fabric.getRootCertsList().map(text),
    tlsRootCertsPem: fabric.getTlsRootCertsList().map(text),
    intermediateCertsPem: fabric.getIntermediateCertsList().map(text),
    nodeOUsEnabled: fabric.getFabricNodeOus()?.getEnable() ?? false,
    anchorPeers: anchors?.getAnchorPeersList().map((a) => ({ host: a.getHost(), port: a.getPort() })) ?? [],
    ordererEndpoints: endpoints?.getAddressesList() ?? [],
  };
}

function orgsOf(group: common.ConfigGroup | undefined, path: string): DecodedOrg[] {
  if (!group) return [];
  return entries(group.getGroupsMap()).map(([name, sub]) => decodeOrg(name, sub, path));
}

/** Decodes a common.Config (the channel group tree). */
export function decodeChannelConfig(channelId: string, config: common.Config): DecodedChannelConfig {
  const channel = config.getChannelGroup();
  if (!channel) throw new ConfigDecodeError('config has no channel group');
  const ordererGroup = channel.getGroupsMap().get('Orderer');
  if (!ordererGroup) throw new ConfigDecodeError('config has no Orderer group');
  const applicationGroup = channel.getGroupsMap().get('Application');

  const batchSize = required(ordererGroup, 'BatchSize', '/Channel/Orderer', (b) =>
    orderer.BatchSize.deserializeBinary(b),
  );
  const batchTimeout = required(ordererGroup, 'BatchTimeout', '/Channel/Orderer', (b) =>
    orderer.BatchTimeout.deserializeBinary(b),
  );
  const consensus = required(ordererGroup, 'ConsensusType', '/Channel/Orderer', (b) =>
    orderer.ConsensusType.deserializeBinary(b),
  );
  const consenters =
    consensus.getType() === 'etcdraft'
      ? orderer.etcdraft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8())
          .getConsentersList()
          .map((c) => ({
            host: c.getHost(),
            port: c.getPort(),
            clientTlsCertPem: text(c.getClientTlsCert()),
            serverTlsCertPem: text(c.getServerTlsCert()),
          }))
      : [];

  const ordererOrgs = orgsOf(ordererGroup, '/Channel/Orderer');
  const globalAddresses =
    value(channel, 'OrdererAddresses', (b) =>
      common.OrdererAddresses.deserializeBinary(b),
    )?.getAddressesList() ?? [];
  return {
    channelId,
    sequence: config.getSequence(),
    orgs: orgsOf(applicationGroup, '/Channel/Application'),
    ordererOrgs,
    ordererAddresses: [
      ...new Set([...globalAddresses, ...ordererOrgs.flatMap((org) => org.ordererEndpoints)]),
    ],
    consensusType: consensus.getType(),
    consenters,
    batch: {
      maxMessageCount: batchSize.getMaxMessageCount(),
      absoluteMaxBytes: batchSize.getAbsoluteMaxBytes(),
      preferredMaxBytes: batchSize.getPreferredMaxBytes(),
      batchTimeoutMs: parseGoDuration(batchTimeout.getTimeout()),
    },
    capabilities: {
      channel: capabilityNames(channel),
      orderer: capabilityNames(ordererGroup),
      application: applicationGroup ? capabilityNames(applicationGroup) : [],
    },
    hashingAlgorithm:
      value(channel, 'HashingAlgorithm', (b) => common.HashingAlgorithm.deserializeBinary(b))?.getName() ??
      '',
    blockDataHashingWidth:
      value(channel, 'BlockDataHashingStructure', (b) =>
        common.BlockDataHashingStructure.deserializeBinary(b),
      )?.getWidth() ?? 0,
    policies: policyGroup(channel),
  };
}

/** Decodes the config carried by a config block (one CONFIG envelope whose data is a ConfigEnvelope). */
export function decodeConfigBlock(blockBytes: Uint8Array): DecodedChannelConfig {
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(blockBytes);
  } catch (error) {
    throw new ConfigDecodeError(`block does not decode: ${String(error)}`);
  }
  const first = block.getData()?.getDataList_asU8()[0];
  if (!first) throw new ConfigDecodeError('config block has no envelope');
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(first).getPayload_asU8(),
  );
  const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
  if (!channelHeaderBytes) throw new ConfigDecodeError('config envelope has no channel header');
  const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
  if (channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw new ConfigDecodeError(
      `block ${block.getHeader()?.getNumber() ?? '?'} is not a config block (header type ${channelHeader.getType()})`,
    );
  }
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (!config) throw new ConfigDecodeError('config envelope has no config');
  return decodeChannelConfig(channelHeader.getChannelId(), config);
}
