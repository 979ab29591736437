/**
 * Where the Patients a VU posts come from: PAYLOAD_FILE (an NDJSON of Patient resources, e.g. from
 * `fhirledger generate --format ndjson`) loaded once into a SharedArray, or the built-in builder.
 * Must be imported from the init context (open() and SharedArray only work there).
 */
import { SharedArray } from 'k6/data';
import { buildPatient, LOAD_IDENTIFIER_SYSTEM, type PatientResource } from './patient-builder.ts';

function parsePatients(text: string, file: string): PatientResource[] {
  const patients: PatientResource[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1} is not JSON (${String(error)}); expected one Patient per line`);
    }
    if (
      typeof value === 'object' &&
      value !== null &&
      (value as { resourceType?: unknown }).resourceType === 'Patient'
    ) {
      patients.push(value as PatientResource);
    }
  });
  if (patients.length === 0)
    throw new Error(`${file} holds no Patient resources; expected NDJSON of Patients`);
  return patients;
}

export interface PatientSource {
  readonly description: string;
  next(vu: number, iteration: number): PatientResource;
}

export function patientSource(payloadFile: string | undefined): PatientSource {
  if (payloadFile === undefined) {
    return { description: 'built-in deterministic builder', next: buildPatient };
  }
  const patients = new SharedArray('patients', () => parsePatients(open(payloadFile), payloadFile));
  return {
    description: `${patients.length} patients from ${payloadFile}`,
    next(vu, iteration) {
      const template = patients[(vu * 7919 + iteration) % patients.length] as PatientResource;
      // The server assigns ids on create; a file's ids would collide when records are reused across VUs.
      const withoutId: PatientResource = { ...template };
      delete withoutId.id;
      const identifier = [
        ...(template.identifier ?? []),
        { system: LOAD_IDENTIFIER_SYSTEM, value: `vu${vu}-it${iteration}` },
      ];
      return { ...withoutId, identifier };
    },
  };
}
