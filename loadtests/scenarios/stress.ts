/** Steps to 25 %, 50 % and 100 % of VUS_MAX, holds, then ramps down: where do the SLOs break? */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { stressSteps } from '../lib/profiles.ts';
import { STANDARD_SLO } from '../lib/slo.ts';

const config = loadConfig();

const scenario = patientRecordsScenario(
  config,
  { stress: stressSteps('patientRecords', config.vusMax) },
  STANDARD_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
