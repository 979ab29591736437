/**
 * The open-model twin of `ramp`: the number of users *started* per second ramps from 1 to ARRIVAL_RATE_MAX
 * (default VUS_MAX / 20) over 100 s, independent of how fast the gateway answers. Each started user runs one
 * create → retrieve → modify → retrieve loop.
 */
import type { Options } from 'k6/options';
import { envInt, loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { rampingArrivals } from '../lib/profiles.ts';
import { STANDARD_SLO } from '../lib/slo.ts';

const config = loadConfig();
const peakPerSecond = envInt('ARRIVAL_RATE_MAX', Math.max(1, Math.floor(config.vusMax / 20)));

const scenario = patientRecordsScenario(
  config,
  { arrival: rampingArrivals('patientRecords', peakPerSecond) },
  STANDARD_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
