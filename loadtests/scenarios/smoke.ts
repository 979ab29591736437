/**
 * CI smoke: a few users run the create → retrieve → modify → retrieve loop for SMOKE_DURATION (default 30 s)
 * under strict SLOs: no failed request, no failed check. A breach exits 99.
 */
import type { Options } from 'k6/options';
import { envInt, loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { constantUsers } from '../lib/profiles.ts';
import { SMOKE_SLO } from '../lib/slo.ts';

const config = loadConfig();
const vus = envInt('SMOKE_VUS', 3);

const scenario = patientRecordsScenario(
  config,
  { smoke: constantUsers('patientRecords', vus, config.smokeDuration) },
  SMOKE_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
