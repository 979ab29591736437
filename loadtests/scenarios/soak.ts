/** A moderate, steady load (SOAK_VUS, default 50) for SOAK_DURATION (default 30m): leaks and slow drift show here. */
import type { Options } from 'k6/options';
import { envDuration, envInt, loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { constantUsers } from '../lib/profiles.ts';
import { STANDARD_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);
const vus = envInt('SOAK_VUS', 50, 1);

export const options: Options = {
  scenarios: { soak: constantUsers('patientRecords', vus, envDuration('SOAK_DURATION', '30m')) },
  thresholds: thresholdsFor(STANDARD_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
