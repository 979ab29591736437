import assert from 'node:assert/strict';
import {
  allNodes,
  anchorPeersOf,
  assertNoPortCollisions,
  buildTopology,
  maxBasePort,
  portsOf,
  TopologyError,
  type Topology,
} from './topology.js';

describe('network topology', () => {
  it('dev: one Raft orderer, Org1 with one peer that endorses and anchors, one CA', () => {
    const dev = buildTopology('dev');
    assert.deepEqual(
      allNodes(dev).map((node) => [node.kind, node.name, node.mspId]),
      [
        ['orderer', 'orderer0', 'OrdererMSP'],
        ['peer', 'peer0.org1', 'Org1MSP'],
        ['ca', 'ca.org1', 'Org1MSP'],
      ],
    );
    assert.deepEqual(dev.peers[0]?.roles, ['endorsing', 'anchor']);
    assert.equal(dev.channel, 'ehrchannel', 'the channel the ledger client expects by default');
  });

  it('paper: three orderers, three orgs with peer0 endorsing and peer1 anchor, one CA per org', () => {
    const paper = buildTopology('paper');
    assert.equal(paper.orderers.length, 3);
    assert.deepEqual(
      paper.orgs.map((org) => [org.mspId, org.purpose]),
      [
        ['Org1MSP', 'hospital'],
        ['Org2MSP', 'patient services'],
        ['Org3MSP', 'regulator'],
      ],
    );
    assert.deepEqual(
      paper.peers.map((peer) => `${peer.name}:${peer.roles.join('+')}`),
      [
        'peer0.org1:endorsing',
        'peer1.org1:anchor',
        'peer0.org2:endorsing',
        'peer1.org2:anchor',
        'peer0.org3:endorsing',
        'peer1.org3:anchor',
      ],
    );
    assert.deepEqual(
      paper.cas.map((ca) => ca.name),
      ['ca.org1', 'ca.org2', 'ca.org3'],
    );
    assert.deepEqual(
      anchorPeersOf(paper, 'Org2').map((peer) => peer.name),
      ['peer1.org2'],
    );
    assert.equal(paper.endorsementRule, 'MAJORITY');
  });

  for (const profile of ['dev', 'paper'] as const) {
    it(`${profile}: every port is distinct, on 127.0.0.1's usable range, and laid out from the base port`, () => {
      const topology = buildTopology(profile, { basePort: 20000 });
      const ports = portsOf(topology).map((use) => use.port);
      assert.equal(new Set(ports).size, ports.length);
      assert.ok(ports.every((port) => port >= 20000 && port < 20000 + 10 * ports.length));
      assert.doesNotThrow(() => {
        assertNoPortCollisions(topology);
      });
    });
  }

  it('two networks with different base ports share no port', () => {
    const a = portsOf(buildTopology('paper', { basePort: 7000 })).map((use) => use.port);
    const b = new Set(portsOf(buildTopology('paper', { basePort: 8000 })).map((use) => use.port));
    assert.deepEqual(
      a.filter((port) => b.has(port)),
      [],
    );
  });

  it('a collision is reported with both owners', () => {
    const dev = buildTopology('dev');
    const broken: Topology = {
      ...dev,
      peers: dev.peers.map((peer) => ({ ...peer, operationsPort: dev.orderers[0]?.adminPort ?? 0 })),
    };
    assert.throws(
      () => {
        assertNoPortCollisions(broken);
      },
      (error: unknown) =>
        error instanceof TopologyError &&
        error.code === 'TOPOLOGY_PORT_COLLISION' &&
        error.message ===
          'port 7001 is used by both "orderer0 admin" and "peer0.org1 operations" in profile "dev"',
    );
  });

  it('rejects a base port that would not fit and a bad channel name', () => {
    assert.throws(() => buildTopology('paper', { basePort: maxBasePort('paper') + 1 }), {
      code: 'TOPOLOGY_BAD_OPTION',
    });
    assert.throws(
      () => buildTopology('dev', { basePort: 80 }),
      /base port 80 for profile "dev" is out of range/,
    );
    assert.throws(() => buildTopology('dev', { channel: 'EHR' }), /channel name "EHR"/);
  });
});
