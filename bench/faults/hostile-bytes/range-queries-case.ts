/**
 * Case `range-queries`: after loading a few thousand keys (the test contract, fabric-chaincode-node), range queries
 * over the whole key space and paginated queries with absurd page sizes. Fabric bounds each query by
 * ledger.state.totalQueryLimit (100 000 rows; a page size above it, or not positive, means the limit:
 * handler.go calculateTotalReturnLimit) and hands rows to the shim in batches of 100; the answer must be bounded
 * (every key, at most 100 000) or an error, never a hang. The peer's resident memory is sampled throughout; a
 * range read inside a submitted transaction must commit (its rwset carries every key read); the node must still
 * serve afterwards.
 */
import path from 'node:path';
import { GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { REPO } from '../../devnet-harness.js';
import type { FaultCase, FaultOutcome } from '../fault-case.js';
import { CHANNEL, HostileDevnet } from './hostile-devnet.js';
import { hostileOutcome } from './hostile-outcome.js';

const TEST_CHAINCODE = path.join(REPO, 'network/peer/chaincode/fixtures/test-contract');
/** The test contract's port before the offset: dev's free neighbour of the EHR chaincode's 9999. */
const TEST_CHAINCODE_PORT = 9998;
const KEYS_PER_TRANSACTION = 500;
const LOAD_TRANSACTIONS = 10;
const LOADED_KEYS = KEYS_PER_TRANSACTION * LOAD_TRANSACTIONS;
/** core.yaml ledger.state.totalQueryLimit. */
const TOTAL_QUERY_LIMIT = 100_000;
const PARALLEL_WHOLE_RANGES = 4;
const ABSURD_PAGE_SIZES = [2_147_483_647, 1_000_000_000, 0, -1] as const;

interface Query {
  readonly name: string;
  readonly rows?: number;
  readonly fetched?: number;
  readonly bookmark?: string;
  readonly error?: string;
  readonly ms: number;
}

async function query(
  name: string,
  call: () => Promise<Uint8Array>,
  read: (text: string) => Omit<Query, 'name' | 'ms'>,
): Promise<Query> {
  const started = Date.now();
  try {
    const text = Buffer.from(await call()).toString('utf8');
    return { name, ...read(text), ms: Date.now() - started };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const detail = error.details.map((d) => d.message).join(' | ') || error.message;
    return { name, error: `${grpc.status[error.code]}: ${detail}`, ms: Date.now() - started };
  }
}

const wholeRange = (contract: Contract) => (index: number) =>
  query(
    `range('', '') #${index + 1}`,
    () => contract.evaluateTransaction('range', '', ''),
    (text) => ({ rows: (JSON.parse(text) as unknown[]).length }),
  );

const absurdPage = (contract: Contract, pageSize: number) =>
  query(
    `rangePage('', '', pageSize ${pageSize})`,
    () => contract.evaluateTransaction('rangePage', '', '', String(pageSize), ''),
    (text) => {
      // Without pagination (page size 0, no bookmark) the shim may hand back no metadata at all.
      const page = JSON.parse(text) as { keys: string[]; bookmark?: string; fetched?: number };
      return { rows: page.keys.length, fetched: page.fetched, bookmark: page.bookmark };
    },
  );

export const rangeQueriesCase: FaultCase = {
  id: 'range-queries',
  group: 'hostile-bytes',
  summary: `whole-key-space range queries over ${LOADED_KEYS} keys and paginated queries with page sizes ${ABSURD_PAGE_SIZES.join(', ')}`,
  run: (context) =>
    HostileDevnet.with(context, async (target): Promise<FaultOutcome> => {
      const devnet = target.devnet;
      await devnet.deployChaincode('shimtest', TEST_CHAINCODE, devnet.port(TEST_CHAINCODE_PORT));
      const client = devnet.grpcClient();
      const gateway = devnet.user1Gateway(client, 'node-crypto');
      const rss = { before: 0, peak: 0 };
      let sampler: NodeJS.Timeout | undefined;
      try {
        const contract = gateway.getNetwork(CHANNEL).getContract('shimtest', 'shimtest');
        context.log(`loading ${LOADED_KEYS} keys in ${LOAD_TRANSACTIONS} transactions`);
        for (let t = 0; t < LOAD_TRANSACTIONS; t++) {
          await contract.submitTransaction(
            'putMany',
            `range-${String(t).padStart(2, '0')}-`,
            String(KEYS_PER_TRANSACTION),
          );
        }
        rss.before = target.rssMiB('peer');
        rss.peak = rss.before;
        sampler = setInterval(() => {
          rss.peak = Math.max(rss.peak, target.rssMiB('peer'));
        }, 50);

        const whole = await Promise.all(
          Array.from({ length: PARALLEL_WHOLE_RANGES }, (_, i) => wholeRange(contract)(i)),
        );
        const pages: Query[] = [];
        for (const size of ABSURD_PAGE_SIZES) pages.push(await absurdPage(contract, size));
        const inTransaction = await query(
          "submit range('', '')",
          () => contract.submitTransaction('range', '', ''),
          (text) => ({ rows: (JSON.parse(text) as unknown[]).length }),
        );
        clearInterval(sampler);
        sampler = undefined;
        rss.peak = Math.max(rss.peak, target.rssMiB('peer'));
        for (const q of [...whole, ...pages, inTransaction]) {
          context.log(`${q.name}: ${q.error ?? `${String(q.rows)} rows`} in ${q.ms} ms`);
        }

        const keys = whole[0]?.rows ?? -1;
        const checks: Record<string, boolean> = {
          [`a whole-key-space range returns every key (≥ ${LOADED_KEYS}, ≤ ${TOTAL_QUERY_LIMIT})`]:
            whole.every(
              (q) =>
                q.rows !== undefined &&
                q.rows >= LOADED_KEYS &&
                q.rows <= TOTAL_QUERY_LIMIT &&
                q.rows === keys,
            ),
        };
        for (const q of pages) {
          // Fewer keys than the limit: a bounded answer is all of them on one page, with no bookmark left.
          checks[`${q.name}: an error or a bounded answer`] =
            q.error !== undefined || (q.rows === keys && (q.bookmark ?? '') === '');
        }
        checks['a submitted whole-range read commits'] = inTransaction.rows === keys;
        // Rows of a few dozen bytes: holding them all several times over stays far below this.
        checks['peer RSS rose by less than 200 MiB during the queries'] = rss.peak - rss.before < 200;
        const serving = await target.stillServing();
        Object.assign(checks, serving.checks);
        const all = [...whole, ...pages, inTransaction];
        return hostileOutcome({
          id: 'range-queries',
          done:
            `Loaded ${LOADED_KEYS} keys, ran ${PARALLEL_WHOLE_RANGES} whole-key-space range queries at once, ` +
            `paginated queries with page sizes ${ABSURD_PAGE_SIZES.join(', ')}, and a submitted whole-range read.`,
          happened:
            all.map((q) => `${q.name}: ${q.error ?? `${String(q.rows)} rows`} (${q.ms} ms)`).join('; ') +
            `; peer RSS ${rss.before.toFixed(0)} → peak ${rss.peak.toFixed(0)} MiB; afterwards ${serving.detail}.`,
          checks,
          details: { loadedKeys: LOADED_KEYS, queries: all, peerRssMiB: rss },
        });
      } finally {
        if (sampler) clearInterval(sampler);
        gateway.close();
        client.close();
      }
    }),
};
