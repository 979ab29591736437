/**
 * CI smoke: a few users run the create → retrieve → modify → retrieve loop for SMOKE_DURATION (default 30 s)
 * under strict SLOs: no failed request, no failed check. A breach exits 99.
 */
import type { Options } from 'k6/options';
import { envInt, loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { constantUsers } from '../lib/profiles.ts';
import { SMOKE_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);
const vus = envInt('SMOKE_VUS', 3, 1);

export const options: Options = {
  scenarios: { smoke: constantUsers('patientRecords', vus, config.smokeDuration) },
  thresholds: thresholdsFor(SMOKE_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
