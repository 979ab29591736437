/** A moderate, steady load (SOAK_VUS, default 50) for SOAK_DURATION (default 30m): leaks and slow drift show here. */
import type { Options } from 'k6/options';
import { envDuration, envInt, loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { constantUsers } from '../lib/profiles.ts';
import { STANDARD_SLO } from '../lib/slo.ts';

const config = loadConfig();
const vus = envInt('SOAK_VUS', 50);

const scenario = patientRecordsScenario(
  config,
  { soak: constantUsers('patientRecords', vus, envDuration('SOAK_DURATION', '30m')) },
  STANDARD_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
