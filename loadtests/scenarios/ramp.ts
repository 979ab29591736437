/**
 * Paper 000's Gatling run: users ramp from 10 to VUS_MAX (default 2000) over 100 s; each logs in once and loops
 * create → retrieve → modify → retrieve with THINK_TIME (default 1 s) between steps.
 */
import type { Options } from 'k6/options';
import { loadConfig } from '../lib/config.ts';
import { patientRecordsScenario } from '../lib/patient-records-scenario.ts';
import { rampingUsers } from '../lib/profiles.ts';
import { STANDARD_SLO } from '../lib/slo.ts';

const config = loadConfig();

const scenario = patientRecordsScenario(
  config,
  { ramp: rampingUsers('patientRecords', config.vusMax) },
  STANDARD_SLO,
);

export const options: Options = scenario.options;
export const setup = scenario.setup;
export const patientRecords = scenario.patientRecords;
