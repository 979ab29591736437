import assert from 'node:assert/strict';
import { ordererEnv, peerEnv } from './node-env.js';
import { buildTopology } from './topology.js';

const RUN = '/tmp/fhirledger-run';
const CFG = '/opt/fabric/sampleconfig';

describe('node environment', () => {
  it('dev peer: every per-node setting on 127.0.0.1, no Docker, the ccaas builder, a raised gateway limit', () => {
    const dev = buildTopology('dev');
    const peer = dev.peers[0];
    assert.ok(peer);
    const org1 = '/tmp/fhirledger-run/organizations/org1.fhirledger.local';
    assert.deepEqual(peerEnv(dev, peer, RUN, { fabricCfgPath: CFG }), {
      FABRIC_CFG_PATH: CFG,
      CORE_PEER_ID: 'peer0.org1',
      CORE_PEER_ADDRESS: '127.0.0.1:7010',
      CORE_PEER_LISTENADDRESS: '127.0.0.1:7010',
      CORE_PEER_CHAINCODEADDRESS: '127.0.0.1:7011',
      CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:7011',
      CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:7012',
      CORE_METRICS_PROVIDER: 'prometheus',
      CORE_PEER_FILESYSTEMPATH: '/tmp/fhirledger-run/data/peer0.org1',
      CORE_LEDGER_SNAPSHOTS_ROOTDIR: '/tmp/fhirledger-run/data/peer0.org1/snapshots',
      CORE_PEER_LOCALMSPID: 'Org1MSP',
      CORE_PEER_MSPCONFIGPATH: `${org1}/nodes/peer0.org1/msp`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_CERT_FILE: `${org1}/nodes/peer0.org1/tls/server.crt`,
      CORE_PEER_TLS_KEY_FILE: `${org1}/nodes/peer0.org1/tls/server.key`,
      CORE_PEER_TLS_ROOTCERT_FILE: `${org1}/msp/tlscacerts/tls-ca-cert.pem`,
      CORE_PEER_GOSSIP_BOOTSTRAP: '127.0.0.1:7010',
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: '127.0.0.1:7010',
      CORE_VM_ENDPOINT: '',
      CORE_CHAINCODE_EXTERNALBUILDERS:
        '[{"name":"ccaas","path":"/tmp/fhirledger-run/builders/ccaas","propagateEnvironment":["HOME"]}]',
      CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE: '10000',
    });
  });

  it('paper peers bootstrap gossip from the other peer of their own org', () => {
    const paper = buildTopology('paper');
    const byName = new Map(paper.peers.map((peer) => [peer.name, peer]));
    const peer0org2 = byName.get('peer0.org2');
    const peer1org2 = byName.get('peer1.org2');
    assert.ok(peer0org2 && peer1org2);
    const env = peerEnv(paper, peer0org2, RUN, { fabricCfgPath: CFG });
    assert.equal(env.CORE_PEER_GOSSIP_BOOTSTRAP, `127.0.0.1:${peer1org2.listenPort}`);
    assert.equal(env.CORE_PEER_GOSSIP_EXTERNALENDPOINT, `127.0.0.1:${peer0org2.listenPort}`);
  });

  it('a relative run directory becomes absolute (Fabric resolves relative paths against its config folder)', () => {
    const dev = buildTopology('dev');
    const peer = dev.peers[0];
    assert.ok(peer);
    const env = peerEnv(dev, peer, 'relative/run', {
      fabricCfgPath: CFG,
      builderPropagateEnvironment: ['X'],
    });
    assert.equal(env.CORE_PEER_FILESYSTEMPATH, `${process.cwd()}/relative/run/data/peer0.org1`);
    assert.deepEqual(JSON.parse(env.CORE_CHAINCODE_EXTERNALBUILDERS ?? ''), [
      {
        name: 'ccaas',
        path: `${process.cwd()}/relative/run/builders/ccaas`,
        propagateEnvironment: ['HOME', 'X'],
      },
    ]);
  });

  it('paper orderer: listen/admin/operations on 127.0.0.1, no system channel, Raft WAL and snapshots in the run', () => {
    const paper = buildTopology('paper', { basePort: 9000 });
    const orderer = paper.orderers[1];
    assert.ok(orderer);
    const ord = '/tmp/fhirledger-run/organizations/orderer.fhirledger.local';
    const tlsRoot = (domain: string) =>
      `/tmp/fhirledger-run/organizations/${domain}/msp/tlscacerts/tls-ca-cert.pem`;
    const cert = `${ord}/nodes/orderer1/tls/server.crt`;
    const key = `${ord}/nodes/orderer1/tls/server.key`;
    assert.deepEqual(ordererEnv(paper, orderer, RUN, { fabricCfgPath: CFG }), {
      FABRIC_CFG_PATH: CFG,
      ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
      ORDERER_GENERAL_LISTENPORT: '9010',
      ORDERER_GENERAL_LOCALMSPID: 'OrdererMSP',
      ORDERER_GENERAL_LOCALMSPDIR: `${ord}/nodes/orderer1/msp`,
      ORDERER_GENERAL_TLS_ENABLED: 'true',
      ORDERER_GENERAL_TLS_PRIVATEKEY: key,
      ORDERER_GENERAL_TLS_CERTIFICATE: cert,
      ORDERER_GENERAL_TLS_ROOTCAS: `[${[
        tlsRoot('orderer.fhirledger.local'),
        tlsRoot('org1.fhirledger.local'),
        tlsRoot('org2.fhirledger.local'),
        tlsRoot('org3.fhirledger.local'),
      ].join(',')}]`,
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: cert,
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: key,
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tlsRoot('orderer.fhirledger.local')}]`,
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_FILELEDGER_LOCATION: '/tmp/fhirledger-run/data/orderer1/ledger',
      ORDERER_CONSENSUS_WALDIR: '/tmp/fhirledger-run/data/orderer1/etcdraft/wal',
      ORDERER_CONSENSUS_SNAPDIR: '/tmp/fhirledger-run/data/orderer1/etcdraft/snapshot',
      ORDERER_OPERATIONS_LISTENADDRESS: '127.0.0.1:9012',
      ORDERER_METRICS_PROVIDER: 'prometheus',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:9011',
      ORDERER_ADMIN_TLS_ENABLED: 'true',
      ORDERER_ADMIN_TLS_CERTIFICATE: cert,
      ORDERER_ADMIN_TLS_PRIVATEKEY: key,
      ORDERER_ADMIN_TLS_ROOTCAS: `[${tlsRoot('orderer.fhirledger.local')}]`,
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tlsRoot('orderer.fhirledger.local')}]`,
    });
  });

  it('a node of an org the topology does not define is refused', () => {
    const dev = buildTopology('dev');
    const peer = dev.peers[0];
    assert.ok(peer);
    assert.throws(() => peerEnv(dev, { ...peer, org: 'Org9' }, RUN, { fabricCfgPath: CFG }), {
      name: 'NodeEnvError',
      code: 'NODE_ENV_UNKNOWN_ORG',
      message: 'node belongs to org "Org9", which the topology does not define',
    });
  });
});
