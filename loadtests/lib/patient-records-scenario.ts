/**
 * What every create → retrieve → modify → retrieve scenario exports to k6, built once: its options (the load profile
 * given, the SLO thresholds, the summary's trend stats), a `setup` that fails fast when the gateway is down and
 * logs each user in once, and the VU function. A scenario file only chooses its profile and SLO.
 */
import type { Options, Scenario } from 'k6/options';
import type { LoadConfig } from './config.ts';
import { loginUsersOnce, patientRecordLoop, type SharedLogins } from './ehr-flow.ts';
import { requireHealthyGateway } from './gateway-client.ts';
import { patientSource } from './payloads.ts';
import { SUMMARY_TREND_STATS, thresholdsFor, type SloLimits } from './slo.ts';

export interface PatientRecordsScenario {
  options: Options;
  setup: () => SharedLogins;
  patientRecords: (data: SharedLogins) => void;
}

/** Call in the init context (it opens the payload file there). Profiles name `patientRecords` as their exec. */
export function patientRecordsScenario(
  config: LoadConfig,
  scenarios: Record<string, Scenario>,
  slo: SloLimits,
): PatientRecordsScenario {
  const source = patientSource(config.payloadFile);
  return {
    options: { scenarios, thresholds: thresholdsFor(slo), summaryTrendStats: SUMMARY_TREND_STATS },
    setup: () => {
      requireHealthyGateway(config);
      return loginUsersOnce(config);
    },
    patientRecords: (data) => {
      patientRecordLoop(config, source, data);
    },
  };
}
