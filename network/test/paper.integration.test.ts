/**
 * The paper profile (3 orgs × 2 peers, MAJORITY endorsement, 3 orderers on an etcd Raft cluster) driven only by
 * unmodified clients from the registries (@hyperledger/fabric-gateway, fabric-chaincode-node), started and faulted
 * through the fhirledger CLI. Port offset 37000. Figures (up time, commit gaps, recovery) are printed, not asserted
 * as speeds: the assertions are about outcomes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { GatewayError, type Contract, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { REPO, TestDevnet } from './devnet.testkit.js';
import { peerState, steadyLoad, waitForOneHeight } from '../node/paper-load.js';
import { endorsersOf, ordererHeaderHashes } from './paper.testkit.js';

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const utf8 = new TextDecoder();
/** Default (offset 0) ports of the paper layout (network/node/paper-profile.ts). */
const PEER_OPERATIONS = [7211, 7221, 7231, 7241, 7251, 7261];
const ORDERERS = [
  { host: 'orderer.example.com', port: 7110 },
  { host: 'orderer2.example.com', port: 7120 },
  { host: 'orderer3.example.com', port: 7130 },
];
const ENDORSEMENT_POLICY_FAILURE = 10;

describe('fabric-devnet paper profile with unmodified Fabric clients', function () {
  this.timeout(300_000);
  const devnet = new TestDevnet(37000, 'paper');
  let client: grpc.Client;
  let gateway: Gateway;
  let network: Network;
  let contract: Contract;

  const log = (line: string) => process.stderr.write(`      ${line}\n`);
  const cli = (...args: string[]) => {
    const result = devnet.network(...args);
    assert.equal(result.status, 0, `network ${args.join(' ')} failed:\n${result.stderr}`);
  };
  const heights = () =>
    devnet
      .status()
      .nodes.filter((node) => node.role === 'peer' || node.role === 'orderer')
      .map((node) => node.ledgerHeight);
  /** Every peer and orderer at one height, every peer with the same state fingerprint. */
  const assertConverged = async () => {
    await waitForOneHeight(heights);
    const states = await Promise.all(PEER_OPERATIONS.map((port) => peerState(devnet, port)));
    assert.equal(
      new Set(states.map((state) => `${state.height}/${state.fingerprint}`)).size,
      1,
      JSON.stringify(states),
    );
    return states[0]?.height ?? 0;
  };

  before(async () => {
    const started = Date.now();
    const up = devnet.up();
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
    log(`network up --profile paper ready in ${Date.now() - started} ms`);
    await devnet.deployChaincode('basic', TEST_CHAINCODE, devnet.port(7420));
    client = devnet.grpcClient(7210, 'peer0.org1.example.com');
    ({ gateway, network, contract } = devnet.connectTestContract(client));
  });

  after(() => {
    (gateway as Gateway | undefined)?.close();
    (client as grpc.Client | undefined)?.close();
    devnet.destroy();
  });

  it('runs 16 healthy processes: 3 Raft members, 3 orderers (one leads), 6 peers, 3 CAs, the chaincode server', () => {
    const nodes = devnet.status().nodes;
    assert.deepEqual(
      nodes.map((node) => [node.name, node.healthy]),
      nodes.map((node) => [node.name, true]),
    );
    const count = (role: string) => nodes.filter((node) => node.role === role).length;
    assert.deepEqual(
      [count('raft'), count('orderer'), count('peer'), count('ca'), count('chaincode')],
      [3, 3, 6, 3, 1],
    );
    assert.equal(nodes.filter((node) => node.raftLeader === true).length, 1);
  });

  it('commits a transaction whose block carries endorsements from two organisations (MAJORITY of three)', async () => {
    const proposal = contract.newProposal('put', { arguments: ['two-orgs', 'v'] });
    const transaction = await proposal.endorse();
    const commit = await transaction.submit();
    const status = await commit.getStatus();
    assert.equal(status.successful, true, `commit status ${status.code}`);
    const endorsers = await endorsersOf(network, status.blockNumber, transaction.getTransactionId());
    assert.deepEqual(
      endorsers.map((endorser) => endorser.split('/')[0]),
      ['Org1MSP', 'Org2MSP'],
    );
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'two-orgs')), 'v');
  });

  it('invalidates a transaction endorsed by one organisation only with ENDORSEMENT_POLICY_FAILURE', async () => {
    const transaction = await contract
      .newProposal('put', { arguments: ['one-org', 'forced'], endorsingOrganizations: ['Org1MSP'] })
      .endorse();
    const status = await (await transaction.submit()).getStatus();
    assert.equal(status.code, ENDORSEMENT_POLICY_FAILURE);
    assert.equal(status.successful, false);
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'one-org')), '');
  });

  it('endorses on exactly the organisations the client names, even without its own', async () => {
    const transaction = await contract
      .newProposal('put', { arguments: ['named', 'v'], endorsingOrganizations: ['Org2MSP', 'Org3MSP'] })
      .endorse();
    const status = await (await transaction.submit()).getStatus();
    assert.equal(status.successful, true, `commit status ${status.code}`);
    const endorsers = await endorsersOf(network, status.blockNumber, transaction.getTransactionId());
    assert.deepEqual(
      endorsers.map((endorser) => endorser.split('/')[0]),
      ['Org2MSP', 'Org3MSP'],
    );
  });

  it('all six peers and three orderers reach the same height, the same state and the same block hashes', async () => {
    const height = await assertConverged();
    const hashes = await Promise.all(
      ORDERERS.map((o) => ordererHeaderHashes(devnet, o.port, o.host, height)),
    );
    assert.deepEqual(hashes[1], hashes[0]);
    assert.deepEqual(hashes[2], hashes[0]);
  });

  it('uses the org’s other peer when an endorsing peer is killed', async () => {
    cli('kill', 'peer0.org2.example.com');
    try {
      const transaction = await contract.newProposal('put', { arguments: ['failover', 'v'] }).endorse();
      const status = await (await transaction.submit()).getStatus();
      assert.equal(status.successful, true, `commit status ${status.code}`);
      const endorsers = await endorsersOf(network, status.blockNumber, transaction.getTransactionId());
      assert.deepEqual(endorsers, ['Org1MSP/peer0.org1.example.com', 'Org2MSP/peer1.org2.example.com']);
    } finally {
      cli('start', 'peer0.org2.example.com');
    }
  });

  it('keeps committing when the Raft leader orderer is killed under load, losing nothing acknowledged', async () => {
    const leader = devnet.status().nodes.find((node) => node.raftLeader === true)?.name;
    assert.ok(leader !== undefined, 'no Raft leader');
    const result = await steadyLoad(contract, {
      prefix: 'kill-one',
      durationMs: 12_000,
      maxTransactions: 2000,
      concurrency: 8,
      markAt: 3000,
      during: () => {
        cli('kill', leader);
        return Promise.resolve();
      },
    });
    log(
      `kill ${leader}: ${result.acknowledged.length} acknowledged, ${result.failures.length} failed, longest commit gap ${result.longestGapMs} ms, first commit ${result.firstCommitAfterMarkMs} ms after the kill`,
    );
    assert.ok(result.firstCommitAfterMarkMs >= 0, 'nothing committed after the kill');
    assert.ok(result.acknowledged.length > 20, `only ${result.acknowledged.length} commits`);
    for (const key of result.acknowledged)
      assert.equal(utf8.decode(await contract.evaluateTransaction('get', key)), key);
    const restarted = Date.now();
    cli('start', leader);
    await assertConverged();
    log(`${leader} restarted and caught up in ${Date.now() - restarted} ms`);
  });

  it('refuses submissions with a clear error while two orderers are down, then catches up after a restart', async () => {
    const [first, second] = [ORDERERS[0], ORDERERS[1]].map((o) => o?.host ?? '');
    const before = await contract.submitAsync('put', { arguments: ['before-two-down', 'v'] });
    assert.equal((await before.getStatus()).successful, true);
    cli('kill', first ?? '');
    cli('kill', second ?? '');
    try {
      const error = await contract.submitAsync('put', { arguments: ['no-quorum', 'v'] }).then(
        () => assert.fail('submit succeeded without a Raft quorum'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof GatewayError, String(error));
      assert.equal(error.message, '14 UNAVAILABLE: no orderers could successfully process transaction');
      assert.ok(error.details.length > 0);
      assert.match(
        error.details.map((d) => d.message).join('\n'),
        /Raft quorum|ECONNREFUSED|No connection established/,
      );
    } finally {
      const restarted = Date.now();
      cli('start', first ?? '');
      cli('start', second ?? '');
      await assertConverged();
      log(`two orderers restarted and caught up in ${Date.now() - restarted} ms`);
    }
    const after = await contract.submitAsync('put', { arguments: ['after-restart', 'v'] });
    assert.equal((await after.getStatus()).successful, true);
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'before-two-down')), 'v');
    await assertConverged();
  });
});
