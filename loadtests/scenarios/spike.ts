/** From 10 users to VUS_MAX in 10 s, hold 30 s, and back: does the gateway recover, and is nothing lost? */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { spike } from '../lib/profiles.ts';
import { STANDARD_SLO } from '../lib/slo.ts';

const config = loadConfig();

const scenario = patientRecordsScenario(
  config,
  { spike: spike('patientRecords', Math.min(10, config.vusMax), config.vusMax) },
  STANDARD_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
