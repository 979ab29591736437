/**
 * fabric-devnet driven only by unmodified clients from the registries: @hyperledger/fabric-gateway for transactions
 * and events, fabric-chaincode-node (fabric-shim 2.5.8) for the chaincode, fabric-ca-client for enrolment. Started
 * and stopped through the fhirledger CLI, as a user would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import {
  CommitError,
  EndorseError,
  GatewayError,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { createRootCa, issueCertificate } from '../msp/cert-issuer.js';
import { generateP256KeyPair } from '../msp/keys.js';
import {
  connectIdentity,
  ehrContract,
  FabricEhrLedger,
  LedgerError,
  LedgerSession,
  loadConnectionProfile,
} from '../../ledger-client/index.js';
import { CaSession } from '../node/ca-client.js';
import { CLI, REPO, runCli, TestDevnet, waitForHttp } from './devnet.testkit.js';

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
const utf8 = new TextDecoder();

describe('fabric-devnet with unmodified Fabric clients', function () {
  this.timeout(180_000);
  const devnet = new TestDevnet(21000);
  let client: grpc.Client;
  let gateway: Gateway;
  let network: Network;
  let contract: Contract;

  before(async () => {
    const started = Date.now();
    const up = devnet.up();
    assert.equal(up.status, 0, `network up failed:\n${up.stderr}`);
    process.stderr.write(`      network up ready in ${Date.now() - started} ms\n`);
    await devnet.deployChaincode('basic', TEST_CHAINCODE, devnet.port(9998));
    client = devnet.grpcClient();
    ({ gateway, network, contract } = devnet.connectTestContract(client));
  });

  after(() => {
    // before() may have failed before they were made.
    (gateway as Gateway | undefined)?.close();
    (client as grpc.Client | undefined)?.close();
    devnet.destroy();
  });

  it('status --json shows every node healthy with a pid', () => {
    const status = devnet.status();
    assert.deepEqual(
      status.nodes.map((node) => [node.name, node.healthy, typeof node.pid]),
      status.nodes.map((node) => [node.name, true, 'number']),
    );
    assert.ok(status.nodes.length >= 4);
  });

  it('network up a second time leaves the running network as it is', () => {
    const before = devnet.status().nodes.map((node) => node.pid);
    const again = devnet.up();
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(
      devnet.status().nodes.map((node) => node.pid),
      before,
    );
  });

  it('submits and evaluates', async () => {
    await contract.submitTransaction('put', 'k1', 'v1');
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'k1')), 'v1');
  });

  it('submits asynchronously and reads the commit status', async () => {
    const submitted = await contract.submitAsync('put', { arguments: ['k2', 'v2'] });
    const status = await submitted.getStatus();
    assert.equal(status.successful, true);
    assert.equal(status.code, 0);
    assert.ok(status.blockNumber > 0n);
    assert.equal(status.transactionId, submitted.getTransactionId());
  });

  it('an MVCC conflict between two read-modify-writes is CommitError code 11 and keeps the first write', async () => {
    await contract.submitTransaction('put', 'mvcc', 'start');
    // Both read 'mvcc' at the same version before either commits, as two concurrent clients would.
    const first = await contract.newProposal('putThenGet', { arguments: ['mvcc', 'first'] }).endorse();
    const second = await contract.newProposal('putThenGet', { arguments: ['mvcc', 'second'] }).endorse();
    assert.equal((await (await first.submit()).getStatus()).code, 0);
    const conflict = await (await second.submit()).getStatus();
    assert.deepEqual([conflict.code, conflict.successful], [11, false]);
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'mvcc')), 'first');

    // Two clients racing through submit(): both endorse against the same version, one commit wins, the other is
    // raised as the CommitError applications catch.
    const raced = await Promise.allSettled([
      contract.submit('putThenGet', { arguments: ['mvcc', 'a'] }),
      contract.submit('putThenGet', { arguments: ['mvcc', 'b'] }),
    ]);
    const rejected = raced.filter((outcome) => outcome.status === 'rejected');
    assert.equal(rejected.length, 1);
    const reason: unknown = rejected[0]?.reason;
    assert.ok(reason instanceof CommitError, String(reason));
    assert.equal(reason.code, 11);
    assert.match(reason.message, /failed to commit with status code 11 \(MVCC_READ_CONFLICT\)/);
    const winner = raced.findIndex((outcome) => outcome.status === 'fulfilled') === 0 ? 'a' : 'b';
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'mvcc')), winner);
  });

  it('pages through a range and a partial composite key with bookmarks', async () => {
    await contract.submitTransaction('putMany', 'page', '250');
    const pages: string[][] = [];
    let bookmark = '';
    do {
      const page = JSON.parse(
        utf8.decode(await contract.evaluateTransaction('rangePage', 'page', 'page~', '100', bookmark)),
      ) as { keys: string[]; bookmark: string };
      pages.push(page.keys);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    assert.deepEqual(
      pages.map((keys) => keys.length),
      [100, 100, 50],
    );
    assert.equal(pages[0]?.[0], 'page0000');
    assert.equal(pages[2]?.at(-1), 'page0249');

    for (const [a, b] of [
      ['x', '1'],
      ['x', '2'],
      ['x', '3'],
      ['y', '1'],
    ]) {
      await contract.submitTransaction('putComposite', 'pair', a ?? '', b ?? '', `${a}${b}`);
    }
    const first = JSON.parse(
      utf8.decode(await contract.evaluateTransaction('partialPage', 'pair', 'x', '2', '')),
    ) as {
      keys: string[];
      bookmark: string;
    };
    assert.equal(first.keys.length, 2);
    const rest = JSON.parse(
      utf8.decode(await contract.evaluateTransaction('partialPage', 'pair', 'x', '2', first.bookmark)),
    ) as { keys: string[] };
    assert.equal(rest.keys.length, 1);
  });

  it('returns key history newest first, deletes included', async () => {
    await contract.submitTransaction('put', 'hist', 'one');
    await contract.submitTransaction('put', 'hist', 'two');
    await contract.submitTransaction('del', 'hist');
    const history = JSON.parse(utf8.decode(await contract.evaluateTransaction('history', 'hist'))) as {
      value: string;
      isDelete: boolean;
    }[];
    assert.deepEqual(
      history.map((entry) => [entry.isDelete, entry.value]),
      [
        [true, ''],
        [false, 'two'],
        [false, 'one'],
      ],
    );
  });

  it('streams chaincode events and block events from a start block', async () => {
    const start = (await contract.submitAsync('put', { arguments: ['before-event', 'x'] })).getStatus();
    const startBlock = (await start).blockNumber + 1n;
    const events = await network.getChaincodeEvents('basic', { startBlock });
    const blocks = await network.getBlockEvents({ startBlock: 0n });
    try {
      await contract.submitTransaction('emit', 'record-created', 'payload-1');
      const event = await first(events);
      assert.equal(event.eventName, 'record-created');
      assert.equal(utf8.decode(event.payload), 'payload-1');
      assert.equal(event.chaincodeName, 'basic');
      const genesis = await first(blocks);
      assert.equal(genesis.getHeader()?.getNumber(), 0);
      const envelope = common.Envelope.deserializeBinary(
        genesis.getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
      );
      const header = common.ChannelHeader.deserializeBinary(
        common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()?.getChannelHeader_asU8() ??
          new Uint8Array(),
      );
      assert.equal(header.getType(), common.HeaderType.CONFIG);
      assert.equal(header.getChannelId(), 'mychannel');
    } finally {
      events.close();
      blocks.close();
    }
  });

  it('refuses a bad signature, a forged certificate, an unknown MSP and a replayed transaction', async () => {
    const user = devnet.user();
    const badSigner = devnet.gateway(client, user.identity, async () =>
      Promise.resolve(new Uint8Array(70).fill(1)),
    );
    await assert.rejects(
      badSigner.getNetwork('mychannel').getContract('basic', 'shimtest').submitTransaction('put', 'x', 'y'),
      (error: unknown) =>
        error instanceof EndorseError && /access denied/.test(error.details[0]?.message ?? ''),
    );
    badSigner.close();

    const unknownMsp = devnet.gateway(
      client,
      { mspId: 'Org9MSP', credentials: user.identity.credentials },
      user.signer,
    );
    await assert.rejects(
      unknownMsp.getNetwork('mychannel').getContract('basic', 'shimtest').submitTransaction('put', 'x', 'y'),
      (error: unknown) =>
        error instanceof EndorseError && /creator org \[Org9MSP\]/.test(error.details[0]?.message ?? ''),
    );
    unknownMsp.close();

    const forged = await forgedIdentity();
    const forger = devnet.gateway(client, forged.identity, forged.signer);
    await assert.rejects(
      forger.getNetwork('mychannel').getContract('basic', 'shimtest').submitTransaction('put', 'x', 'y'),
      (error: unknown) =>
        error instanceof EndorseError && /access denied/.test(error.details[0]?.message ?? ''),
    );
    forger.close();

    const proposal = contract.newProposal('put', { arguments: ['replay', '1'] });
    await (await (await proposal.endorse()).submit()).getStatus();
    await assert.rejects(
      proposal.endorse(),
      (error: unknown) =>
        error instanceof EndorseError && /duplicate transaction found/.test(error.details[0]?.message ?? ''),
    );
  });

  it('runs the EHR chaincode: the profile migrator batch-creates, a provider enrolled from the devnet CA reads', async () => {
    const session = new LedgerSession(
      loadConnectionProfile(path.join(devnet.home, 'fhirledger-connection.json')),
    );
    const patient = {
      resourceType: 'Patient',
      id: 'devnet-p1',
      name: [{ family: 'Devnet' }],
      birthDate: '1980-02-03',
    };
    try {
      const created = await session.ledgerForNamed('migrator').createRecords([patient]);
      assert.deepEqual(
        created.value.items.map((item) => item.outcome),
        ['created'],
      );
      assert.match(created.txId, /^[0-9a-f]{64}$/);
    } finally {
      session.close();
    }
    const ca = new CaSession(
      {
        url: `https://127.0.0.1:${devnet.port(7054)}`,
        caName: 'ca-org1',
        tlsRootCertPem: readFileSync(
          path.join(
            devnet.home,
            'organizations/peerOrganizations/org1.example.com/tlsca/tlsca.org1.example.com-cert.pem',
          ),
          'utf8',
        ),
        mspId: 'Org1MSP',
      },
      { id: 'admin', secret: 'adminpw' },
    );
    const provider = await ca.registerAndEnroll({
      id: 'provider-1',
      type: 'client',
      attributes: { role: 'provider' },
    });
    const providerGateway = connectIdentity(client, { mspId: 'Org1MSP', ...provider });
    const patientUser = await ca.registerAndEnroll({
      id: 'patient-2',
      type: 'client',
      attributes: { role: 'patient', patientId: 'someone-else' },
    });
    const patientGateway = connectIdentity(client, { mspId: 'Org1MSP', ...patientUser });
    try {
      const stored = await new FabricEhrLedger(ehrContract(providerGateway, 'mychannel', 'ehr')).readRecord(
        'Patient',
        'devnet-p1',
      );
      assert.equal(stored.resource.id, 'devnet-p1');
      assert.deepEqual((stored.resource as { name?: unknown }).name, [{ family: 'Devnet' }]);
      // The chaincode reads the role from the certificate: another patient is refused whatever the caller claims.
      await assert.rejects(
        new FabricEhrLedger(ehrContract(patientGateway, 'mychannel', 'ehr')).readRecord(
          'Patient',
          'devnet-p1',
        ),
        (error: unknown) => error instanceof LedgerError && error.code === 'CC_ERR_FORBIDDEN',
      );
    } finally {
      providerGateway.close();
      patientGateway.close();
    }
  });

  it('serves FHIR through the gateway on the devnet: a provider enrolled from the CA creates and reads over HTTP', async () => {
    const ca = new CaSession(
      {
        url: `https://127.0.0.1:${devnet.port(7054)}`,
        caName: 'ca-org1',
        tlsRootCertPem: readFileSync(
          path.join(
            devnet.home,
            'organizations/peerOrganizations/org1.example.com/tlsca/tlsca.org1.example.com-cert.pem',
          ),
          'utf8',
        ),
        mspId: 'Org1MSP',
      },
      { id: 'admin', secret: 'adminpw' },
    );
    const provider = await ca.registerAndEnroll({
      id: 'gw-provider',
      type: 'client',
      attributes: { role: 'provider' },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-gw-devnet-'));
    const store = path.join(dir, 'credentials.json');
    writeFileSync(path.join(dir, 'cert.pem'), provider.certificatePem);
    writeFileSync(path.join(dir, 'key.pem'), provider.privateKeyPem, { mode: 0o600 });
    const added = runCli(
      [
        'users',
        'add',
        '--store',
        store,
        '--user',
        'dr.devnet',
        '--role',
        'provider',
        '--cert',
        path.join(dir, 'cert.pem'),
        '--key',
        path.join(dir, 'key.pem'),
        '--password-env',
        'GW_DEVNET_PW',
      ],
      { GW_DEVNET_PW: 'devnet-provider-pw' },
    );
    assert.equal(added.status, 0, added.stderr);
    const port = devnet.port(8080);
    const gatewayProcess = spawn(
      process.execPath,
      [
        CLI,
        'gateway',
        '--connection-profile',
        path.join(devnet.home, 'fhirledger-connection.json'),
        '--credentials-store',
        store,
        '--port',
        String(port),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${base}/readyz`);
      const token = (await (
        await fetch(`${base}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=password&username=dr.devnet&password=devnet-provider-pw',
        })
      ).json()) as { access_token: string };
      const auth = { authorization: `Bearer ${token.access_token}` };
      const patient = {
        resourceType: 'Patient',
        id: 'gw-devnet-1',
        name: [{ family: 'Gateway' }],
        birthDate: '1975-05-06',
      };
      const created = await fetch(`${base}/fhir/Patient/gw-devnet-1`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(patient),
      });
      assert.ok(
        created.status === 201 || created.status === 200,
        `${created.status} ${await created.text()}`,
      );
      assert.match(created.headers.get('x-fabric-tx-id') ?? '', /^[0-9a-f]{64}$/);
      const read = await fetch(`${base}/fhir/Patient/gw-devnet-1`, { headers: auth });
      assert.equal(read.status, 200);
      assert.deepEqual(((await read.json()) as { name: unknown }).name, [{ family: 'Gateway' }]);
      // And the ledger itself holds it: read past the gateway, straight from the peer, as the same provider.
      const direct = connectIdentity(client, { mspId: 'Org1MSP', ...provider });
      try {
        const stored = await new FabricEhrLedger(ehrContract(direct, 'mychannel', 'ehr')).readRecord(
          'Patient',
          'gw-devnet-1',
        );
        assert.equal(stored.resource.id, 'gw-devnet-1');
      } finally {
        direct.close();
      }
    } finally {
      gatewayProcess.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps blocks and state across down/up and a SIGKILL of the peer', async () => {
    await contract.submitTransaction('put', 'durable', 'yes');
    const height = peerHeight();
    assert.equal(devnet.network('kill', 'peer0.org1.example.com').status, 0);
    assert.equal(devnet.network('start', 'peer0.org1.example.com').status, 0);
    await reconnected();
    assert.equal(peerHeight(), height);
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'durable')), 'yes');

    const pids = devnet.status().nodes.map((node) => node.pid);
    assert.equal(devnet.network('down').status, 0);
    assert.deepEqual(
      pids.filter((pid) => pid !== null && isAlive(pid)),
      [],
      'network down left node processes running',
    );
    const up = devnet.up();
    assert.equal(up.status, 0, up.stderr);
    await reconnected();
    assert.equal(peerHeight(), height);
    assert.equal(utf8.decode(await contract.evaluateTransaction('get', 'durable')), 'yes');
    await contract.submitTransaction('put', 'after-restart', 'ok');
    assert.equal(peerHeight(), height + 1);
  });

  /**
   * A client whose peer went away finds out on its next call (UNAVAILABLE, as with Fabric) and reconnects: retry
   * an evaluate until the restarted peer answers, as any client of a restarted peer must.
   */
  async function reconnected(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await contract.evaluateTransaction('get', 'durable');
        return;
      } catch (error) {
        if (attempt >= 50 || !(error instanceof GatewayError) || error.code !== 14) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  function peerHeight(): number {
    const peer = devnet.status().nodes.find((node) => node.name === 'peer0.org1.example.com');
    assert.ok(peer?.ledgerHeight !== null && peer?.ledgerHeight !== undefined);
    return peer.ledgerHeight;
  }
});

/**
 * Whether a process still runs. A node that exited but whose parent (the CLI that started it, long gone) has not
 * been reaped by init is a zombie: it holds no port or file any more, so it counts as stopped.
 */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function first<T>(iterable: AsyncIterable<T>): Promise<T> {
  for await (const item of iterable) return item;
  throw new Error('the stream ended before its first item');
}

/** A certificate that claims Org1MSP and OU=client but is signed by a CA of its own, not Org1's. */
async function forgedIdentity() {
  const rogueCa = await createRootCa(
    { organization: 'org1.example.com', commonName: 'ca.org1.example.com' },
    generateP256KeyPair(),
  );
  const keys = generateP256KeyPair();
  const certificatePem = await issueCertificate(rogueCa, {
    subject: {
      organization: 'org1.example.com',
      organizationalUnits: ['client'],
      commonName: 'User1@org1.example.com',
    },
    publicKey: keys.publicKey,
    profile: { kind: 'signing' },
  });
  return {
    identity: { mspId: 'Org1MSP', credentials: Buffer.from(certificatePem) },
    signer: signers.newPrivateKeySigner(keys.privateKey),
  };
}
