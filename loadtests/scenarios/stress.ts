/** Steps to 25 %, 50 % and 100 % of VUS_MAX, holds, then ramps down: where do the SLOs break? */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { stressSteps } from '../lib/profiles.ts';
import { STANDARD_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);

export const options: Options = {
  scenarios: { stress: stressSteps('patientRecords', config.vusMax) },
  thresholds: thresholdsFor(STANDARD_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
