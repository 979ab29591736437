/**
 * Paper 000's Gatling run: users ramp from 10 to VUS_MAX (default 2000) over 100 s; each logs in once and loops
 * create → retrieve → modify → retrieve with THINK_TIME (default 1 s) between steps.
 */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { rampingUsers } from '../lib/profiles.ts';
import { STANDARD_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);

export const options: Options = {
  scenarios: { ramp: rampingUsers('patientRecords', config.vusMax) },
  thresholds: thresholdsFor(STANDARD_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
