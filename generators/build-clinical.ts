/**
 * Builders for the clinical resources of one encounter. Each takes the encounter context (who, where, when) and the
 * already-drawn values, so the timeline decides *what happens* and these only decide *how it is written in FHIR*.
 */
import type {
  AllergyIntolerance,
  CodeableConcept,
  Condition,
  DiagnosticReport,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  ObservationComponent,
  Procedure,
} from 'fhir/r4.js';
import { CodeSystem, type CodeEntry } from './codes/coding.js';
import type { MedicationEntry } from './codes/rxnorm.js';
import type { ConditionEntry, EncounterClass } from './codes/snomed.js';
import { ENCOUNTER_CLASS_DISPLAY } from './codes/snomed.js';
import { fhirDate, fhirDateTime } from './fhir-time.js';

export interface EncounterContext {
  patientId: string;
  encounterId: string;
  practitionerId: string;
  organizationId: string;
  startMs: number;
  endMs: number;
}

const concept = (system: string, entry: CodeEntry): CodeableConcept => ({
  coding: [{ system, code: entry.code, display: entry.display }],
  text: entry.display,
});

export function buildEncounter(
  ctx: EncounterContext,
  type: CodeEntry,
  encounterClass: EncounterClass,
): Encounter {
  return {
    resourceType: 'Encounter',
    id: ctx.encounterId,
    status: 'finished',
    class: {
      system: CodeSystem.ACT_CODE,
      code: encounterClass,
      display: ENCOUNTER_CLASS_DISPLAY[encounterClass],
    },
    type: [concept(CodeSystem.SNOMED, type)],
    subject: { reference: `Patient/${ctx.patientId}` },
    participant: [{ individual: { reference: `Practitioner/${ctx.practitionerId}` } }],
    period: { start: fhirDateTime(ctx.startMs), end: fhirDateTime(ctx.endMs) },
    serviceProvider: { reference: `Organization/${ctx.organizationId}` },
  };
}

export type ObservationCategory = 'vital-signs' | 'laboratory';

const CATEGORY_DISPLAY: Record<ObservationCategory, string> = {
  'vital-signs': 'Vital signs',
  laboratory: 'Laboratory',
};

export interface Measurement {
  code: CodeEntry;
  value: number;
  unit: string;
}

export function buildObservation(
  id: string,
  ctx: EncounterContext,
  category: ObservationCategory,
  measurement: Measurement,
  effectiveMs: number,
): Observation {
  return {
    ...observationHeader(id, ctx, category, measurement.code, effectiveMs),
    valueQuantity: quantity(measurement.value, measurement.unit),
  };
}

/** Blood pressure is one Observation with systolic and diastolic components (the FHIR vital-signs profile shape). */
export function buildPanelObservation(
  id: string,
  ctx: EncounterContext,
  code: CodeEntry,
  components: readonly Measurement[],
  effectiveMs: number,
): Observation {
  const component: ObservationComponent[] = components.map((m) => ({
    code: concept(CodeSystem.LOINC, m.code),
    valueQuantity: quantity(m.value, m.unit),
  }));
  return { ...observationHeader(id, ctx, 'vital-signs', code, effectiveMs), component };
}

function observationHeader(
  id: string,
  ctx: EncounterContext,
  category: ObservationCategory,
  code: CodeEntry,
  effectiveMs: number,
): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [
      {
        coding: [
          { system: CodeSystem.OBSERVATION_CATEGORY, code: category, display: CATEGORY_DISPLAY[category] },
        ],
      },
    ],
    code: concept(CodeSystem.LOINC, code),
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    effectiveDateTime: fhirDateTime(effectiveMs),
    issued: fhirDateTime(effectiveMs),
  };
}

function quantity(value: number, unit: string): Observation['valueQuantity'] {
  return { value, unit, system: CodeSystem.UCUM, code: unit };
}

export function buildDiagnosticReport(
  id: string,
  ctx: EncounterContext,
  panel: CodeEntry,
  resultIds: readonly string[],
  effectiveMs: number,
  issuedMs: number,
): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id,
    status: 'final',
    category: [{ coding: [{ system: CodeSystem.DIAGNOSTIC_SERVICE, code: 'LAB', display: 'Laboratory' }] }],
    code: concept(CodeSystem.LOINC, panel),
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    effectiveDateTime: fhirDateTime(effectiveMs),
    issued: fhirDateTime(issuedMs),
    performer: [{ reference: `Organization/${ctx.organizationId}` }],
    result: resultIds.map((resultId) => ({ reference: `Observation/${resultId}` })),
  };
}

/** Onset is written as a date (day precision), as diagnoses usually are; abatement only for resolved conditions. */
export function buildCondition(
  id: string,
  ctx: EncounterContext,
  entry: ConditionEntry,
  abatementMs?: number,
): Condition {
  const resolved = abatementMs !== undefined;
  const condition: Condition = {
    resourceType: 'Condition',
    id,
    clinicalStatus: {
      coding: [{ system: CodeSystem.CONDITION_CLINICAL, code: resolved ? 'resolved' : 'active' }],
    },
    verificationStatus: { coding: [{ system: CodeSystem.CONDITION_VERIFICATION, code: 'confirmed' }] },
    category: [
      {
        coding: [
          {
            system: CodeSystem.CONDITION_CATEGORY,
            code: 'encounter-diagnosis',
            display: 'Encounter Diagnosis',
          },
        ],
      },
    ],
    code: concept(CodeSystem.SNOMED, entry),
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    onsetDateTime: fhirDate(ctx.startMs),
    recordedDate: fhirDateTime(ctx.startMs),
  };
  if (abatementMs !== undefined) condition.abatementDateTime = fhirDate(abatementMs);
  return condition;
}

export function buildMedicationRequest(
  id: string,
  ctx: EncounterContext,
  medication: MedicationEntry,
  conditionId: string,
  active: boolean,
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: active ? 'active' : 'completed',
    intent: 'order',
    medicationCodeableConcept: concept(CodeSystem.RXNORM, medication),
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    authoredOn: fhirDateTime(ctx.startMs),
    requester: { reference: `Practitioner/${ctx.practitionerId}` },
    reasonReference: [{ reference: `Condition/${conditionId}` }],
    dosageInstruction: [
      {
        sequence: 1,
        text: medication.dosage,
        timing: { repeat: { frequency: medication.frequency, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: 1 } }],
      },
    ],
  };
}

export function buildAllergyIntolerance(
  id: string,
  ctx: EncounterContext,
  entry: CodeEntry & { category: 'food' | 'medication' | 'environment' },
  criticality: 'low' | 'high',
): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id,
    clinicalStatus: { coding: [{ system: CodeSystem.ALLERGY_CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: CodeSystem.ALLERGY_VERIFICATION, code: 'confirmed' }] },
    type: 'allergy',
    category: [entry.category],
    criticality,
    code: concept(CodeSystem.SNOMED, entry),
    patient: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    recordedDate: fhirDateTime(ctx.startMs),
    recorder: { reference: `Practitioner/${ctx.practitionerId}` },
  };
}

/** Occurrence is a date (day precision), as immunisation registries record it. */
export function buildImmunization(
  id: string,
  ctx: EncounterContext,
  vaccine: CodeEntry,
  lotNumber: string,
): Immunization {
  return {
    resourceType: 'Immunization',
    id,
    status: 'completed',
    vaccineCode: concept(CodeSystem.CVX, vaccine),
    patient: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    occurrenceDateTime: fhirDate(ctx.startMs),
    primarySource: true,
    lotNumber,
    performer: [{ actor: { reference: `Practitioner/${ctx.practitionerId}` } }],
  };
}

export function buildProcedure(
  id: string,
  ctx: EncounterContext,
  code: CodeEntry,
  startMs: number,
  endMs: number,
): Procedure {
  return {
    resourceType: 'Procedure',
    id,
    status: 'completed',
    code: concept(CodeSystem.SNOMED, code),
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    performedPeriod: { start: fhirDateTime(startMs), end: fhirDateTime(endMs) },
    performer: [{ actor: { reference: `Practitioner/${ctx.practitionerId}` } }],
  };
}
