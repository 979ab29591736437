/**
 * `fhirledger up --profile paper` end to end, port offset 56000: the paper network (3 orgs × 2 peers, MAJORITY
 * endorsement, 3 orderers on etcd Raft), users enrolled from org1's CA and the FHIR gateway on peer0.org1; a Patient
 * created and read back over the FHIR API, and the create's transaction read from the block an unmodified
 * @hyperledger/fabric-gateway client receives, to see that a majority of the orgs endorsed it. One test: the profile
 * is 16 processes plus the gateway on 2 cores.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { runCli, TestDevnet } from '../network/test/devnet.testkit.js';
import { endorsersOf } from '../network/test/paper.testkit.js';
import { readStackDescription, readStackPassword } from './stack-file.js';

const PORT_OFFSET = 56000;
/** peer0.org1's gRPC port at offset 0 in the paper layout (network/node/paper-profile.ts). */
const PEER0_ORG1 = 7210;

describe('fhirledger up --profile paper: the stack on 3 orgs × 2 peers', function () {
  this.timeout(420_000);
  // Used for its temporary home and its unmodified-client helpers; the stack CLI, not TestDevnet, starts the nodes.
  const devnet = new TestDevnet(PORT_OFFSET, 'paper');
  // 16 nodes started on 2 cores shared with other work: more than runCli's default 2 minutes may pass.
  const up = (...extra: string[]) =>
    runCli(
      ['up', '--home', devnet.home, '--profile', 'paper', '--providers', '2', '--patients', '1', ...extra],
      {},
      300_000,
    );
  let client: grpc.Client | undefined;
  let gateway: Gateway | undefined;

  after(() => {
    gateway?.close();
    client?.close();
    const down = runCli(['down', '--home', devnet.home, '--purge']);
    const homeLeft = existsSync(devnet.home);
    devnet.destroy(); // whatever down left running, by pid
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stdout, /fhir-gateway/);
    assert.equal(homeLeft, false, 'down --purge deletes the home');
  });

  it('creates and reads a Patient through the FHIR API; the create is endorsed by a majority of the orgs', async () => {
    const first = up('--port-offset', String(PORT_OFFSET), '--regulators', '1');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /fhirledger stack is up \(profile paper,/);
    const stack = readStackDescription(devnet.home);
    assert.ok(stack !== undefined, 'up wrote stack.json');
    assert.equal(stack.profile, 'paper');
    assert.equal(stack.gatewayUrl, `http://127.0.0.1:${7480 + PORT_OFFSET}`);
    // Idempotent: a second up (profile and offset taken from the home) keeps the running gateway and the users.
    const again = runCli([
      'up',
      '--home',
      devnet.home,
      '--providers',
      '2',
      '--patients',
      '1',
      '--regulators',
      '1',
    ]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already running/);
    assert.match(again.stdout, /0 enrolled from the CA now .* 4 kept/);

    const login = await fetch(`${stack.gatewayUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        username: 'provider1',
        password: readStackPassword(stack),
      }),
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const { access_token: token } = (await login.json()) as { access_token: string };
    const fhir = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
    const created = await fetch(`${stack.gatewayUrl}/fhir/Patient`, {
      method: 'POST',
      headers: fhir,
      body: JSON.stringify({
        resourceType: 'Patient',
        name: [{ family: 'Majority', given: ['Paper'] }],
        birthDate: '1980-08-14',
      }),
      signal: AbortSignal.timeout(60_000),
    });
    const createdBody = (await created.json()) as { id?: string };
    assert.equal(created.status, 201, JSON.stringify(createdBody));
    const txId = created.headers.get('x-fabric-tx-id');
    assert.ok(txId !== null && createdBody.id !== undefined, 'the create names its record and transaction');
    const read = await fetch(`${stack.gatewayUrl}/fhir/Patient/${createdBody.id}`, {
      headers: fhir,
      signal: AbortSignal.timeout(30_000),
    });
    const readBody = (await read.json()) as { id?: string; name?: { family?: string }[] };
    assert.equal(read.status, 200, JSON.stringify(readBody));
    assert.equal(readBody.id, createdBody.id);
    assert.equal(readBody.name?.[0]?.family, 'Majority');

    // Org1's User1 reads the blocks over peer0.org1's Deliver and finds the create's endorsements.
    client = devnet.grpcClient(PEER0_ORG1, 'peer0.org1.example.com');
    const user = devnet.user();
    gateway = devnet.gateway(client, user.identity, user.signer);
    const network = gateway.getNetwork('mychannel');
    const height = devnet.status().nodes.find((node) => node.name === 'peer0.org1.example.com')?.ledgerHeight;
    assert.ok(typeof height === 'number' && height > 0, 'peer0.org1 reports its ledger height');
    let endorsers: string[] = [];
    for (let block = height - 1; block >= 0 && endorsers.length === 0; block -= 1) {
      endorsers = await endorsersOf(network, BigInt(block), txId);
    }
    const orgs = new Set(endorsers.map((endorser) => endorser.split('/')[0]));
    process.stderr.write(`      ${txId} endorsed by ${endorsers.join(', ')}\n`);
    assert.ok(
      orgs.size >= 2,
      `MAJORITY of 3 orgs needs 2 endorsing orgs, got ${endorsers.join(', ') || 'none'}`,
    );
    assert.ok(orgs.has('Org1MSP'), 'the gateway peer (peer0.org1) endorses for its own org');
  });
});
