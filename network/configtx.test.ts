import assert from 'node:assert/strict';
import { configtxProfileName, renderConfigtxYaml, type Configtx } from './configtx.js';
import { buildTopology } from './topology.js';

const RUN = '/tmp/fhirledger-run';

/** The YAML is a comment header followed by JSON; drop the comments and parse the rest. */
function parseBack(yaml: string): Configtx {
  const body = yaml
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
  return JSON.parse(body) as Configtx;
}

describe('configtx.yaml', () => {
  it('paper: three orgs with NodeOU policies and anchor peers, Raft with three consenters, MAJORITY endorsement', () => {
    const paper = buildTopology('paper');
    const configtx = parseBack(renderConfigtxYaml(paper, RUN));
    const profile = configtx.Profiles[configtxProfileName(paper)];
    assert.ok(profile);

    assert.deepEqual(
      configtx.Organizations.map((org) => org.ID),
      ['OrdererMSP', 'Org1MSP', 'Org2MSP', 'Org3MSP'],
    );
    const org2 = profile.Application.Organizations[1];
    assert.deepEqual(org2, {
      Name: 'Org2MSP',
      ID: 'Org2MSP',
      MSPDir: '/tmp/fhirledger-run/organizations/org2.fhirledger.local/msp',
      Policies: {
        Readers: { Type: 'Signature', Rule: "OR('Org2MSP.admin', 'Org2MSP.peer', 'Org2MSP.client')" },
        Writers: { Type: 'Signature', Rule: "OR('Org2MSP.admin', 'Org2MSP.client')" },
        Admins: { Type: 'Signature', Rule: "OR('Org2MSP.admin')" },
        Endorsement: { Type: 'Signature', Rule: "OR('Org2MSP.peer')" },
      },
      AnchorPeers: [{ Host: '127.0.0.1', Port: paper.peers[3]?.listenPort }],
    });

    assert.equal(profile.Orderer.OrdererType, 'etcdraft');
    assert.deepEqual(profile.Orderer.Addresses, ['127.0.0.1:7000', '127.0.0.1:7010', '127.0.0.1:7020']);
    assert.deepEqual(profile.Orderer.EtcdRaft.Consenters[2], {
      Host: '127.0.0.1',
      Port: 7020,
      ClientTLSCert:
        '/tmp/fhirledger-run/organizations/orderer.fhirledger.local/nodes/orderer2/tls/server.crt',
      ServerTLSCert:
        '/tmp/fhirledger-run/organizations/orderer.fhirledger.local/nodes/orderer2/tls/server.crt',
    });
    assert.deepEqual(profile.Orderer.BatchSize, {
      MaxMessageCount: 500,
      AbsoluteMaxBytes: '10 MB',
      PreferredMaxBytes: '2 MB',
    });
    assert.equal(profile.Orderer.BatchTimeout, '250ms');
    assert.deepEqual(profile.Orderer.Organizations[0]?.OrdererEndpoints, profile.Orderer.Addresses);

    assert.deepEqual(profile.Application.Policies.Endorsement, {
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
    assert.deepEqual(profile.Application.Policies.LifecycleEndorsement, {
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
    assert.deepEqual(profile.Capabilities, { V3_0: true });
    assert.deepEqual(profile.Application.Capabilities, { V2_5: true });
  });

  it('dev: one org, one consenter, its single peer is the anchor', () => {
    const dev = buildTopology('dev', { basePort: 12000 });
    const configtx = parseBack(renderConfigtxYaml(dev, RUN));
    const profile = configtx.Profiles.FhirLedgerDev;
    assert.ok(profile);
    assert.equal(profile.Orderer.EtcdRaft.Consenters.length, 1);
    assert.deepEqual(
      profile.Application.Organizations.map((org) => [org.ID, org.AnchorPeers]),
      [['Org1MSP', [{ Host: '127.0.0.1', Port: 12010 }]]],
    );
  });

  it('starts with a YAML comment and is otherwise plain JSON (valid YAML for configtxgen)', () => {
    const yaml = renderConfigtxYaml(buildTopology('dev'), RUN);
    assert.match(yaml, /^# configtx\.yaml for the fhirledger "dev" network, profile FhirLedgerDev\./);
    assert.doesNotThrow(() => parseBack(yaml));
  });
});
