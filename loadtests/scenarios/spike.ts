/** From 10 users to VUS_MAX in 10 s, hold 30 s, and back: does the gateway recover, and is nothing lost? */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { spike } from '../lib/profiles.ts';
import { STANDARD_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);

export const options: Options = {
  scenarios: { spike: spike('patientRecords', Math.min(10, config.vusMax), config.vusMax) },
  thresholds: thresholdsFor(STANDARD_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
