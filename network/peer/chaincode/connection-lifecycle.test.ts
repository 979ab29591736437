/**
 * Dialling, handshake failures, a chaincode server that dies mid-transaction and comes back, and closing — with the
 * real fabric-chaincode-node server in a child process.
 */
import assert from 'node:assert/strict';
import { ChaincodeUnavailableError, type ChaincodeInvocation } from '../chaincode-types.js';
import { CcaasRuntime } from './ccaas-runtime.js';
import {
  freePort,
  startChaincodeServer,
  TEST_CONTRACT_DIR,
  type ChaincodeServer,
} from './chaincode-server.testkit.js';
import { MemoryState } from './memory-state.fake.js';
import { ChaincodeShimError, type ChaincodeShimErrorCode } from './shim-error.js';
import { buildProposal, createTestIdentity, type TestIdentity } from './signed-proposal.testkit.js';
import { writeSelfSignedServerTls } from './tls-material.testkit.js';

const CC = 'shimtest';
const PACKAGE_ID = 'shimtest:0123456789abcdef';

describe('CcaasRuntime connection lifecycle', function () {
  this.timeout(60_000);
  let identity: TestIdentity;
  const servers: ChaincodeServer[] = [];
  const runtimes: CcaasRuntime[] = [];

  before(async () => {
    identity = await createTestIdentity({ role: 'provider' });
  });

  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  async function server(port?: number): Promise<ChaincodeServer> {
    const started = await startChaincodeServer({
      modulePath: TEST_CONTRACT_DIR,
      packageId: PACKAGE_ID,
      ...(port === undefined ? {} : { port }),
    });
    servers.push(started);
    return started;
  }

  function newRuntime(dialTimeoutMs = 10_000): CcaasRuntime {
    const runtime = new CcaasRuntime({ dialTimeoutMs });
    runtimes.push(runtime);
    return runtime;
  }

  async function invocation(args: string[], timeoutMs = 30_000): Promise<ChaincodeInvocation> {
    const proposal = await buildProposal(identity, { channelId: 'mychannel', chaincodeName: CC, args });
    return {
      channelId: 'mychannel',
      txId: proposal.txId,
      chaincodeName: CC,
      signedProposal: proposal.signedProposal,
      input: proposal.input,
      readOnly: false,
      state: new MemoryState(),
      timeoutMs,
    };
  }

  function shimError(code: ChaincodeShimErrorCode, message: RegExp) {
    return (error: unknown): boolean => {
      assert.ok(
        error instanceof ChaincodeUnavailableError,
        `not a ChaincodeUnavailableError: ${String(error)}`,
      );
      assert.ok(error instanceof ChaincodeShimError);
      assert.equal(error.code, code);
      assert.equal(error.chaincodeName, CC);
      assert.match(error.message, message);
      return true;
    };
  }

  it('fails fast with UNREACHABLE when no server listens', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(
      newRuntime().connect(CC, PACKAGE_ID, `127.0.0.1:${port}`),
      shimError(
        'UNREACHABLE',
        new RegExp(`could not connect to chaincode server 127\\.0\\.0\\.1:${port} for shimtest`),
      ),
    );
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  it('refuses a server that registers another package id, with Fabric’s message', async () => {
    const running = await server();
    await assert.rejects(
      newRuntime().connect(CC, 'shimtest:somethingelse', running.address),
      shimError(
        'HANDSHAKE_FAILED',
        /peer will not accept external chaincode connection shimtest:0123456789abcdef/,
      ),
    );
  });

  it('fails with HANDSHAKE_FAILED when the server never registers', async () => {
    // A gRPC server that accepts the stream but says nothing: the Connect call hangs until the dial timeout.
    const grpc = await import('@grpc/grpc-js');
    const { peer } = await import('@hyperledger/fabric-protos');
    const silent = new grpc.Server();
    silent.addService(peer.ChaincodeService, {
      connect: () => {
        // never writes REGISTER
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      silent.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    try {
      await assert.rejects(
        newRuntime(500).connect(CC, PACKAGE_ID, `127.0.0.1:${port}`),
        shimError('HANDSHAKE_FAILED', /did not register: no REGISTER within the dial timeout/),
      );
    } finally {
      silent.forceShutdown();
    }
  });

  it('keeps the live stream when connect() is called again for the same server', async () => {
    const running = await server();
    const runtime = newRuntime();
    await runtime.connect(CC, PACKAGE_ID, running.address);
    const slow = runtime.execute(await invocation(['slow', '500']));
    await runtime.connect(CC, PACKAGE_ID, running.address);
    assert.equal((await slow).status, 200);
  });

  it('dials a TLS chaincode server with the root certificate, and fails UNREACHABLE without trusting it', async () => {
    const tls = await writeSelfSignedServerTls();
    const running = await startChaincodeServer({
      modulePath: TEST_CONTRACT_DIR,
      packageId: PACKAGE_ID,
      extraArgs: ['--chaincode-tls-cert-file', tls.certFile, '--chaincode-tls-key-file', tls.keyFile],
    });
    servers.push(running);
    const secure = new CcaasRuntime({ tls: { rootCerts: Buffer.from(tls.certPem) } });
    runtimes.push(secure);
    // By host name: Node warns when TLS is given an IP address as the server name (RFC 6066).
    await secure.connect(CC, PACKAGE_ID, `localhost:${running.port}`);
    assert.equal((await secure.execute(await invocation(['put', 'k', 'v']))).status, 200);

    const otherRoot = await writeSelfSignedServerTls();
    const untrusting = new CcaasRuntime({ tls: { rootCerts: Buffer.from(otherRoot.certPem) } });
    runtimes.push(untrusting);
    await assert.rejects(untrusting.connect(CC, PACKAGE_ID, `localhost:${running.port}`), {
      code: 'UNREACHABLE',
    });
    // Plaintext against a TLS server does not get through either.
    await assert.rejects(newRuntime().connect(CC, PACKAGE_ID, running.address), { code: 'UNREACHABLE' });
  });

  it('fails NOT_CONNECTED for a chaincode never connected, and CLOSED after close()', async () => {
    const runtime = newRuntime();
    await assert.rejects(
      runtime.execute(await invocation(['get', 'k'])),
      shimError('NOT_CONNECTED', /connect\(\)/),
    );
    await runtime.close();
    await assert.rejects(runtime.execute(await invocation(['get', 'k'])), shimError('CLOSED', /closed/));
  });

  it('fails running transactions with STREAM_TERMINATED when the server dies, then reconnects once it is back', async () => {
    const first = await server();
    const runtime = newRuntime();
    await runtime.connect(CC, PACKAGE_ID, first.address);
    assert.equal((await runtime.execute(await invocation(['put', 'k', 'v']))).status, 200);

    const running = assert.rejects(
      runtime.execute(await invocation(['slow', '5000'])),
      shimError('STREAM_TERMINATED', /chaincode stream terminated/),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.stop();
    await running;

    // Down: the next execute re-dials and fails at once instead of hanging.
    const started = Date.now();
    await assert.rejects(
      runtime.execute(await invocation(['get', 'k'])),
      shimError('UNREACHABLE', /could not connect/),
    );
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);

    // Back on the same address: the next execute re-dials and runs.
    await server(first.port);
    const result = await runtime.execute(await invocation(['put', 'k', 'again']));
    assert.equal(result.status, 200);
  });

  it('runs ten executions that arrive together after a break on the re-dialled connection', async () => {
    const running = await server();
    const runtime = newRuntime();
    await runtime.connect(CC, PACKAGE_ID, running.address);
    await running.stop();
    await assert.rejects(runtime.execute(await invocation(['get', 'k'])), { code: 'UNREACHABLE' });
    await server(running.port);
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => runtime.execute(await invocation(['put', `k${i}`, 'v']))),
    );
    assert.deepEqual(
      results.map((result) => result.status),
      Array.from({ length: 10 }, () => 200),
    );
  });
});
