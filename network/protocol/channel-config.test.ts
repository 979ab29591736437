import assert from 'node:assert/strict';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { createTestCa } from '../orderer/testkit/test-identities.js';
import { blockDataHash } from './block-hash.js';
import { decodeConfigBlock, parseGoDuration } from './channel-config-decode.js';
import { decodePolicy, evaluatePolicy } from './channel-config-policy.js';
import {
  buildGenesisBlock,
  DEFAULT_BATCH_SETTINGS,
  formatGoDuration,
  type ChannelConfigInput,
} from './channel-config.js';

describe('channel config block', () => {
  let input: ChannelConfigInput;
  before(async () => {
    const org1 = await createTestCa('Org1MSP');
    const org1Tls = await createTestCa('Org1MSP', 'tlsca.org1');
    const ord = await createTestCa('OrdererMSP');
    input = {
      channelId: 'mychannel',
      orgs: [
        {
          mspId: 'Org1MSP',
          rootCertsPem: [org1.certificatePem],
          tlsRootCertsPem: [org1Tls.certificatePem],
          anchorPeers: [{ host: 'peer0.org1.example.com', port: 7051 }],
        },
      ],
      ordererOrgs: [
        {
          mspId: 'OrdererMSP',
          rootCertsPem: [ord.certificatePem],
          tlsRootCertsPem: [ord.certificatePem],
          ordererEndpoints: ['orderer.example.com:7050'],
        },
      ],
      ordererAddresses: ['orderer.example.com:7050'],
      consenters: [
        {
          host: 'orderer.example.com',
          port: 7050,
          clientTlsCertPem: 'client-pem',
          serverTlsCertPem: 'server-pem',
        },
      ],
      batch: {
        maxMessageCount: 50,
        absoluteMaxBytes: 1_000_000,
        preferredMaxBytes: 500_000,
        batchTimeoutMs: 250,
      },
    };
  });

  it('is block 0 with one unsigned CONFIG envelope and a matching data hash', () => {
    const built = buildGenesisBlock(input);
    const block = common.Block.deserializeBinary(built.bytes);
    assert.equal(block.getHeader()?.getNumber(), 0);
    assert.equal(block.getHeader()?.getPreviousHash_asU8().length, 0);
    const data = block.getData()?.getDataList_asU8() ?? [];
    assert.equal(data.length, 1);
    assert.deepEqual(
      Buffer.from(block.getHeader()?.getDataHash_asU8() ?? []),
      Buffer.from(blockDataHash(data)),
    );
    const envelope = common.Envelope.deserializeBinary(data[0] ?? new Uint8Array());
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const chdr = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    assert.equal(chdr.getType(), common.HeaderType.CONFIG);
    assert.equal(chdr.getChannelId(), 'mychannel');
    assert.ok(chdr.getTimestamp());
  });

  it('is deterministic for a given input and time, like configtxgen (no nonce, whole-second timestamp)', () => {
    const at = new Date('2026-11-30T10:00:00.750Z');
    const a = buildGenesisBlock(input, at);
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(buildGenesisBlock(input, at).bytes));
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(
        common.Block.deserializeBinary(a.bytes).getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
      ).getPayload_asU8(),
    );
    const chdr = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    assert.deepEqual(
      [chdr.getTimestamp()?.getSeconds(), chdr.getTimestamp()?.getNanos()],
      [Math.floor(at.getTime() / 1000), 0],
    );
    assert.equal(payload.getHeader()?.getSignatureHeader_asU8().length, 0);
  });

  it('carries Fabric value names and types that decoders of real blocks expect', () => {
    const block = common.Block.deserializeBinary(buildGenesisBlock(input).bytes);
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(
        block.getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
      ).getPayload_asU8(),
    );
    const channel = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8())
      .getConfig()
      ?.getChannelGroup();
    assert.ok(channel);
    assert.deepEqual(
      channel
        .getValuesMap()
        .getEntryList()
        .map(([k]) => k)
        .sort(),
      // no global OrdererAddresses: V3_0 refuses them
      ['BlockDataHashingStructure', 'Capabilities', 'HashingAlgorithm'],
    );
    assert.equal(
      common.BlockDataHashingStructure.deserializeBinary(
        channel.getValuesMap().get('BlockDataHashingStructure')?.getValue_asU8() ?? new Uint8Array(),
      ).getWidth(),
      4294967295,
    );
    const ordererGroup = channel.getGroupsMap().get('Orderer');
    assert.ok(ordererGroup);
    assert.deepEqual(
      ordererGroup
        .getPoliciesMap()
        .getEntryList()
        .map(([k]) => k)
        .sort(),
      ['Admins', 'BlockValidation', 'Readers', 'Writers'],
    );
    const batchTimeout = orderer.BatchTimeout.deserializeBinary(
      ordererGroup.getValuesMap().get('BatchTimeout')?.getValue_asU8() ?? new Uint8Array(),
    );
    assert.equal(batchTimeout.getTimeout(), '250ms');
    const consensus = orderer.ConsensusType.deserializeBinary(
      ordererGroup.getValuesMap().get('ConsensusType')?.getValue_asU8() ?? new Uint8Array(),
    );
    assert.equal(consensus.getType(), 'etcdraft');
    const org1 = channel.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP');
    const mspConfig = msp.MSPConfig.deserializeBinary(
      org1?.getValuesMap().get('MSP')?.getValue_asU8() ?? new Uint8Array(),
    );
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    assert.equal(fabric.getCryptoConfig()?.getSignatureHashFamily(), 'SHA2');
    assert.equal(fabric.getCryptoConfig()?.getIdentityIdentifierHashFunction(), 'SHA256');
    assert.equal(fabric.getFabricNodeOus()?.getEnable(), true);
    assert.equal(
      fabric.getFabricNodeOus()?.getClientOuIdentifier()?.getOrganizationalUnitIdentifier(),
      'client',
    );
  });

  it('decodes back to the input: MSPs, batch settings, consenters, capabilities', () => {
    const decoded = decodeConfigBlock(buildGenesisBlock(input).bytes);
    assert.equal(decoded.channelId, 'mychannel');
    assert.deepEqual(decoded.batch, input.batch);
    assert.equal(decoded.orgs.length, 1);
    const [org] = decoded.orgs;
    const [inputOrg] = input.orgs;
    assert.ok(org && inputOrg);
    assert.equal(org.mspId, 'Org1MSP');
    assert.deepEqual(org.rootCertsPem, inputOrg.rootCertsPem);
    assert.deepEqual(org.tlsRootCertsPem, inputOrg.tlsRootCertsPem);
    assert.deepEqual(org.anchorPeers, [{ host: 'peer0.org1.example.com', port: 7051 }]);
    assert.equal(org.nodeOUsEnabled, true);
    assert.deepEqual(decoded.ordererOrgs[0]?.ordererEndpoints, ['orderer.example.com:7050']);
    assert.deepEqual(decoded.ordererAddresses, ['orderer.example.com:7050']);
    assert.deepEqual(decoded.consenters, input.consenters);
    assert.equal(decoded.consensusType, 'etcdraft');
    assert.deepEqual(decoded.capabilities, { channel: ['V3_0'], orderer: ['V2_0'], application: ['V2_5'] });
    assert.equal(decoded.hashingAlgorithm, 'SHA256');
  });

  it('decodes policies that evaluate like the test network: Writers = org admin or client', () => {
    const { policies } = decodeConfigBlock(buildGenesisBlock(input).bytes);
    const org1Writers = policies.groups['Application']?.groups['Org1MSP']?.policies['Writers'];
    assert.deepEqual(org1Writers, {
      type: 'signature',
      rule: { nOutOf: { n: 1, rules: [{ signedBy: 0 }, { signedBy: 1 }] } },
      identities: [
        { mspId: 'Org1MSP', role: 'admin' },
        { mspId: 'Org1MSP', role: 'client' },
      ],
    });
    assert.deepEqual(evaluatePolicy(policies, 'Writers', [{ mspId: 'Org1MSP', role: 'client' }]), {
      ok: true,
    });
    assert.deepEqual(evaluatePolicy(policies, 'Readers', [{ mspId: 'Org1MSP', role: 'peer' }]), { ok: true });
    assert.deepEqual(evaluatePolicy(policies, 'Writers', [{ mspId: 'OrdererMSP', role: 'orderer' }]), {
      ok: true,
    });
    assert.deepEqual(evaluatePolicy(policies, 'Writers', [{ mspId: 'Org1MSP', role: 'peer' }]), {
      ok: false,
      message:
        "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied",
    });
    assert.equal(evaluatePolicy(policies, 'Writers', [{ mspId: 'Org2MSP', role: 'client' }]).ok, false);
    assert.equal(
      evaluatePolicy(policies, 'Admins', [{ mspId: 'Org1MSP', role: 'admin' }]).ok,
      false,
      'MAJORITY of 2 groups needs both',
    );
    assert.equal(
      evaluatePolicy(policies, 'Admins', [
        { mspId: 'Org1MSP', role: 'admin' },
        { mspId: 'OrdererMSP', role: 'admin' },
      ]).ok,
      true,
    );
  });

  it("puts the orderer addresses in each orderer org's Endpoints when the org gives none (V3_0 has no global list)", () => {
    const noEndpoints = {
      ...input,
      ordererOrgs: input.ordererOrgs.map((org) => ({ ...org, ordererEndpoints: undefined })),
      ordererAddresses: ['127.0.0.1:7050'],
    };
    const decoded = decodeConfigBlock(buildGenesisBlock(noEndpoints).bytes);
    assert.deepEqual(
      decoded.ordererOrgs.map((org) => org.ordererEndpoints),
      [['127.0.0.1:7050']],
    );
    assert.deepEqual(decoded.ordererAddresses, ['127.0.0.1:7050']);
  });

  it('keeps principals it cannot evaluate (e.g. IDENTITY) as never-satisfied, so the rest of the policy still works', () => {
    const envelope = new common.SignaturePolicyEnvelope();
    const rule = new common.SignaturePolicy();
    const nOutOf = new common.SignaturePolicy.NOutOf();
    const by = (i: number) => {
      const r = new common.SignaturePolicy();
      r.setSignedBy(i);
      return r;
    };
    nOutOf.setN(1);
    nOutOf.setRulesList([by(0), by(1)]);
    rule.setNOutOf(nOutOf);
    envelope.setRule(rule);
    const identity = new msp.MSPPrincipal();
    identity.setPrincipalClassification(msp.MSPPrincipal.Classification.IDENTITY);
    identity.setPrincipal(Buffer.from('serialized identity'));
    const role = new msp.MSPPrincipal();
    role.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    const mspRole = new msp.MSPRole();
    mspRole.setMspIdentifier('Org1MSP');
    mspRole.setRole(msp.MSPRole.MSPRoleType.CLIENT);
    role.setPrincipal(mspRole.serializeBinary());
    envelope.setIdentitiesList([identity, role]);
    const policy = new common.Policy();
    policy.setType(common.Policy.PolicyType.SIGNATURE);
    policy.setValue(envelope.serializeBinary());
    const decoded = decodePolicy(policy);
    const group = { policies: { P: decoded }, groups: {} };
    assert.equal(evaluatePolicy(group, 'P', [{ mspId: 'Org1MSP', role: 'client' }]).ok, true);
    assert.equal(evaluatePolicy(group, 'P', [{ mspId: 'Org1MSP', role: 'peer' }]).ok, false);
  });

  it('uses load-tuned batch defaults when none are given', () => {
    const decoded = decodeConfigBlock(buildGenesisBlock({ ...input, batch: undefined }).bytes);
    assert.deepEqual(decoded.batch, DEFAULT_BATCH_SETTINGS);
  });

  it('refuses batch settings and orgs Fabric would refuse, with its messages', () => {
    const withBatch = (batch: Partial<typeof DEFAULT_BATCH_SETTINGS>) => () =>
      buildGenesisBlock({ ...input, batch: { ...DEFAULT_BATCH_SETTINGS, ...batch } });
    assert.throws(withBatch({ maxMessageCount: 0 }), {
      code: 'CHANNEL_CONFIG',
      message: 'Attempted to set the batch size max message count to an invalid value: 0',
    });
    assert.throws(withBatch({ preferredMaxBytes: 20, absoluteMaxBytes: 10 }), {
      message:
        'Attempted to set the batch size preferred max bytes (20) greater than the absolute max bytes (10).',
    });
    assert.throws(withBatch({ batchTimeoutMs: 0 }), {
      message: 'Attempted to set the batch timeout to a non-positive value: 0s',
    });
    assert.throws(() => buildGenesisBlock({ ...input, channelId: 'My_Channel' }), { code: 'CHANNEL_CONFIG' });
    assert.throws(() => buildGenesisBlock({ ...input, ordererOrgs: [] }), { code: 'CHANNEL_CONFIG' });
  });

  it('formats and parses Go durations', () => {
    assert.equal(formatGoDuration(2000), '2s');
    assert.equal(formatGoDuration(150), '150ms');
    assert.equal(parseGoDuration('2s'), 2000);
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.throws(() => parseGoDuration('2 s'), /invalid duration/);
  });

  it('refuses a block that is not a config block', () => {
    const notConfig = common.Block.deserializeBinary(buildGenesisBlock(input).bytes);
    const env = new common.Envelope();
    const payload = new common.Payload();
    const header = new common.Header();
    const chdr = new common.ChannelHeader();
    chdr.setType(common.HeaderType.ENDORSER_TRANSACTION);
    header.setChannelHeader(chdr.serializeBinary());
    payload.setHeader(header);
    env.setPayload(payload.serializeBinary());
    notConfig.getData()?.setDataList([env.serializeBinary()]);
    assert.throws(() => decodeConfigBlock(notConfig.serializeBinary()), { code: 'CONFIG_DECODE' });
  });
});
