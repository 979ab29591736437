/**
 * TEST ONLY: the real gateway (`buildApp` + a real listener on 127.0.0.1, port 0) over the real chaincode contract on
 * its in-memory stub, so tests drive REAL k6 and the runner end to end while no Fabric network exists. What a test
 * scripts is only the ledger's wire: failures, latency, and — to prove the runner's nothing-lost check — a ledger
 * that acknowledges some creates without keeping them. Nothing a user runs imports this file.
 */
import type { EhrLedger } from '../../common/ehr-contract.js';
import { buildApp } from '../../gateway/app.js';
import { InMemoryEhrNetwork } from '../../gateway/chaincode-ledger.fake.js';
import { CredentialStore, type Principal } from '../../gateway/credential-store.js';
import { createGatewayLogger } from '../../gateway/logger.js';
import { hashSecret } from '../../gateway/password-hash.js';
import { listenGateway } from '../../gateway/server.js';
import { TokenService } from '../../gateway/token-service.js';

export interface TestGatewayOptions {
  password: string;
  /** provider1..providerN share the password (default 3). */
  providers?: number;
  /** Every ledger call fails with a code the gateway does not know: every /fhir request answers 500. */
  failFhirRequests?: boolean;
  /** Added to every ledger call, to push latency past an SLO. */
  delayMs?: number;
  /** Acknowledge every create but keep only the ones whose sequence number is not a multiple of this. */
  forgetEveryNthCreate?: number;
}

export interface TestGateway {
  baseUrl: string;
  createsAcknowledged: number;
  close(): Promise<void>;
}

/** A fast scrypt cost: these secrets protect nothing. */
const TEST_COST = { N: 1024, r: 8, p: 1, keyLength: 32 };

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const network = new InMemoryEhrNetwork();
  network.delayMs = options.delayMs ?? 0;
  // Fixed phase timings, so the report's Fabric phase rows are known values (Server-Timing comes from these).
  network.timings = { endorseMs: 2.5, submitMs: 1.5, commitMs: 10 };
  if (options.failFhirRequests === true) network.failNext('*', 'TEST_LEDGER_BROKEN', Number.MAX_SAFE_INTEGER);
  const secret = await hashSecret(options.password, TEST_COST);
  const principals: Principal[] = Array.from({ length: options.providers ?? 3 }, (_, index) => ({
    id: `provider${index + 1}`,
    kind: 'user',
    role: 'provider',
    secret,
    fabricIdentity: { mspId: 'Org1MSP', certificatePath: '/unused', privateKeyPath: '/unused' },
  }));
  const state: TestGateway = { baseUrl: '', createsAcknowledged: 0, close: () => Promise.resolve() };
  let creates = 0;
  const ledgerForUser = (user: Parameters<typeof network.forUser>[0]): EhrLedger => {
    const ledger = network.forUser(user);
    return Object.assign(Object.create(ledger) as EhrLedger, {
      createRecord: async (resource: Parameters<EhrLedger['createRecord']>[0]) => {
        creates += 1;
        const forget = options.forgetEveryNthCreate;
        if (forget !== undefined && creates % forget === 0) {
          // Acknowledged, never written: what the nothing-lost check exists to catch.
          const stored = { resource: { ...resource, meta: { versionId: '1' } }, hash: '0'.repeat(64) };
          state.createsAcknowledged += 1;
          return network.committed(stored, `forgotten-${creates}`);
        }
        const committed = await ledger.createRecord(resource);
        state.createsAcknowledged += 1;
        return committed;
      },
    });
  };
  const { app } = buildApp({
    config: {
      publicUrl: 'http://127.0.0.1',
      maxInFlight: 64,
      maxQueued: 256,
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      receiveTimeoutMs: 30_000,
      bodyLimitBytes: 1 << 20,
      mvccRetryAttempts: 3,
    },
    ledgerForUser,
    readinessProbe: () => Promise.resolve(),
    credentials: new CredentialStore(principals),
    tokens: await TokenService.create({
      issuer: 'http://127.0.0.1',
      audience: 'fhirledger-gateway',
      ttlSeconds: 3600,
    }),
    logger: createGatewayLogger('silent', { write: () => true }),
  });
  const running = await listenGateway(app, { host: '127.0.0.1', port: 0, shutdownGraceMs: 2000 });
  state.baseUrl = running.address.replace('localhost', '127.0.0.1');
  state.close = async () => {
    await running.close();
  };
  return state;
}
