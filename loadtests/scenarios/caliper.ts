/**
 * Paper 002 Table 3 (Hyperledger Caliper): CALIPER_TRANSACTIONS (default 1000) transactions of each of open
 * (create a record), query (read one) and transfer (modify one) at each send rate in CALIPER_RATES (default
 * 50,150,250 TPS). Rounds run one after another; each request is tagged with its op and the round's rate.
 * query and transfer work on a pool of CALIPER_POOL Patients created in setup(), so they never read a record
 * that is still being committed.
 */
import http from 'k6/http';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { envInt, envIntList, loadConfig } from '../lib/config.ts';
import { loginUsersOnce, tokenForThisVu, type SharedLogins } from '../lib/ehr-flow.ts';
import {
  createRecord,
  login,
  readRecord,
  requireHealthyGateway,
  updateRecord,
} from '../lib/gateway-client.ts';
import { recordAcknowledgedWrite, versionOfEtag } from '../lib/metrics.ts';
import { modifiedPatient } from '../lib/patient-builder.ts';
import { patientSource } from '../lib/payloads.ts';
import { k6DurationMs } from '../lib/env-rules.ts';
import { caliperRounds, type CaliperRound } from '../lib/profiles.ts';
import { SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);
const transactions = envInt('CALIPER_TRANSACTIONS', 1000);
const rates = envIntList('CALIPER_RATES', '50,150,250');
const poolSize = envInt('CALIPER_POOL', 500);
const OPS = ['open', 'query', 'transfer'] as const;

const rounds: CaliperRound[] = OPS.flatMap((op) => rates.map((rate) => ({ op, rate, transactions })));
/** HTTP requests one transaction makes: transfer reads the record, then writes it. */
const REQUESTS_PER_TRANSACTION: Record<string, number> = { open: 1, query: 1, transfer: 2 };
/** A round drains until its last transaction's requests have each had the whole request timeout, plus a margin. */
const drainSeconds = (op: string): number =>
  Math.ceil((k6DurationMs(config.requestTimeout) / 1000) * (REQUESTS_PER_TRANSACTION[op] ?? 1)) + 5;

export const options: Options = {
  scenarios: caliperRounds(rounds, (op) => `${op}Round`, drainSeconds),
  // Caliper counts failures rather than stopping on them (paper 002: 946/1000 opens succeeded), so the SLO is loose.
  thresholds: thresholdsFor({
    failedRate: 0.1,
    p95Ms: { open: 5000, query: 2000, transfer: 5000 },
    checksRate: 0.9,
  }),
  summaryTrendStats: SUMMARY_TREND_STATS,
  setupTimeout: '600s',
};

interface PoolData extends SharedLogins {
  pool: string[];
}

export function setup(): PoolData {
  requireHealthyGateway(config);
  const token = login(config, usernameForSetup());
  if (token === undefined) throw new Error(`setup could not log in as ${usernameForSetup()}`);
  const pool: string[] = [];
  const chunk = 50;
  for (let start = 0; start < poolSize; start += chunk) {
    const requests = [];
    for (let i = start; i < Math.min(start + chunk, poolSize); i += 1) {
      requests.push({
        method: 'POST',
        url: `${config.baseUrl}/fhir/Patient`,
        body: JSON.stringify(source.next(0, i)),
        params: {
          headers: {
            Authorization: `Bearer ${token.accessToken}`,
            'Content-Type': 'application/fhir+json',
            Accept: 'application/fhir+json',
          },
          tags: { op: 'setup', name: 'POST /fhir/Patient' },
          timeout: config.requestTimeout,
        },
      });
    }
    for (const response of http.batch(requests)) {
      const id = (JSON.parse(typeof response.body === 'string' ? response.body : '{}') as { id?: unknown })
        .id;
      if (response.status === 201 && typeof id === 'string') {
        pool.push(id);
        recordAcknowledgedWrite(`Patient/${id}`, versionOfEtag(response.headers.Etag), { op: 'setup' });
      }
    }
  }
  if (pool.length === 0) throw new Error('setup created no Patients for the query/transfer pool');
  return { pool, ...loginUsersOnce(config) };
}

function usernameForSetup(): string {
  return config.usernamePattern.replace('{n}', '1');
}

function poolId(data: PoolData): string {
  return data.pool[exec.scenario.iterationInTest % data.pool.length] as string;
}

export function openRound(data: PoolData): void {
  const token = tokenForThisVu(config, data);
  if (token === undefined) return;
  createRecord(config, token, source.next(exec.vu.idInTest, exec.vu.iterationInInstance + 1_000_000), 'open');
}

export function queryRound(data: PoolData): void {
  const token = tokenForThisVu(config, data);
  if (token === undefined) return;
  readRecord(config, token, 'Patient', poolId(data), 'query');
}

export function transferRound(data: PoolData): void {
  const token = tokenForThisVu(config, data);
  if (token === undefined) return;
  const current = readRecord(config, token, 'Patient', poolId(data), 'transfer-read');
  if (current === undefined) return;
  const changed = modifiedPatient(current.resource, exec.vu.idInTest, exec.scenario.iterationInTest);
  updateRecord(config, token, current, { ...changed, resourceType: 'Patient' }, 'transfer');
}
