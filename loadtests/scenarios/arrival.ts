/**
 * The open-model twin of `ramp`: the number of users *started* per second ramps from 1 to ARRIVAL_RATE_MAX
 * (default VUS_MAX / 20) over 100 s, independent of how fast the gateway answers. Each started user runs one
 * create → retrieve → modify → retrieve loop.
 */
import type { Options } from 'k6/options';
import { envInt, loadConfig } from '../lib/config.ts';
import { patientRecordLoop } from '../lib/ehr-flow.ts';
import { requireHealthyGateway } from '../lib/gateway-client.ts';
import { patientSource } from '../lib/payloads.ts';
import { rampingArrivals } from '../lib/profiles.ts';
import { STANDARD_SLO, SUMMARY_TREND_STATS, thresholdsFor } from '../lib/slo.ts';

const config = loadConfig();
const source = patientSource(config.payloadFile);
const peakPerSecond = envInt('ARRIVAL_RATE_MAX', Math.max(1, Math.floor(config.vusMax / 20)), 1);

export const options: Options = {
  scenarios: { arrival: rampingArrivals('patientRecords', peakPerSecond) },
  thresholds: thresholdsFor(STANDARD_SLO),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  requireHealthyGateway(config);
}

export function patientRecords(): void {
  patientRecordLoop(config, source);
}
