/**
 * One patient's record: the Patient, then encounters in date order, each followed by what happened at it (allergies
 * recorded, conditions diagnosed, prescriptions, vitals, lab panels with their report, vaccines, procedures).
 * Anything referenced is emitted before whatever references it, so a bundle of the output can be loaded in order.
 */
import { LAB_PANELS, VITAL_SIGNS, type LabPanel } from './codes/loinc.js';
import { RXNORM_MEDICATIONS } from './codes/rxnorm.js';
import { ALLERGIES, CONDITIONS, ENCOUNTER_TYPES, PROCEDURES, type ConditionEntry } from './codes/snomed.js';
import { VACCINES } from './codes/cvx.js';
import {
  buildAllergyIntolerance,
  buildCondition,
  buildDiagnosticReport,
  buildEncounter,
  buildImmunization,
  buildMedicationRequest,
  buildObservation,
  buildPanelObservation,
  buildProcedure,
  type EncounterContext,
} from './build-clinical.js';
import { drawPatient } from './build-patient.js';
import { organizationCount, PRACTITIONERS_PER_ORGANIZATION } from './build-directory.js';
import { ageInYears, MS_PER_DAY, MS_PER_MINUTE, MS_PER_YEAR } from './fhir-time.js';
import type { GeneratedResource } from './generated-resource.js';
import { childId, organizationId, patientId, practitionerId, type ChildType } from './ids.js';
import { drawBodyProfile, heightCm, vitalRanges, weightKg, type BodyProfile } from './physiology.js';
import { SeedDomain, type Rng } from './rng.js';

export interface TimelineOptions {
  seed: number;
  /** Population size: decides how many Organizations/Practitioners exist to be referenced. */
  patients: number;
  referenceMs: number;
}

const LOOKBACK_YEARS = 10;

/** All resources of patient `index`, deterministic in (seed, index, patients, referenceMs). */
export function generatePatientRecords(
  rng: Rng,
  options: TimelineOptions,
  index: number,
): GeneratedResource[] {
  rng.reseed(options.seed, SeedDomain.PATIENT, index);
  const orgIndex = rng.int(0, organizationCount(options.patients) - 1);
  const links = {
    id: patientId(options.seed, index),
    organizationId: organizationId(options.seed, orgIndex),
    practitionerId: practitionerId(
      options.seed,
      orgIndex * PRACTITIONERS_PER_ORGANIZATION + rng.int(0, PRACTITIONERS_PER_ORGANIZATION - 1),
    ),
    referenceMs: options.referenceMs,
  };
  const drawn = drawPatient(rng, links);
  const profile = drawBodyProfile(rng, drawn.sex);
  const out: GeneratedResource[] = [drawn.resource];
  const ordinals = new Map<ChildType, number>();
  const nextId = (type: ChildType): string => {
    const n = (ordinals.get(type) ?? 0) + 1;
    ordinals.set(type, n);
    return childId(links.id, type, n);
  };

  const encounterStarts = drawEncounterStarts(rng, drawn.birthMs, options.referenceMs);
  const ageNow = ageInYears(drawn.birthMs, options.referenceMs);
  const chronic = CONDITIONS.filter(
    (c) => c.chronic && ageNow >= c.minAge && rng.chance(0.04 + ageNow / 900),
  );
  const diagnosisAt = new Map<ConditionEntry, number>();
  for (const condition of chronic) {
    const eligible = encounterStarts.filter((start) => ageInYears(drawn.birthMs, start) >= condition.minAge);
    if (eligible.length > 0) diagnosisAt.set(condition, rng.pick(eligible));
  }

  encounterStarts.forEach((startMs, encounterIndex) => {
    const age = ageInYears(drawn.birthMs, startMs);
    const type = rng.pick(
      ENCOUNTER_TYPES.filter((t) => age <= t.maxAge && (age < 18 || t.code !== '410620009')),
    );
    const durationMs =
      type.encounterClass === 'AMB'
        ? rng.int(3, 12) * 5 * MS_PER_MINUTE
        : type.encounterClass === 'EMER'
          ? rng.int(2, 8) * 60 * MS_PER_MINUTE
          : rng.int(1, 5) * MS_PER_DAY;
    const ctx: EncounterContext = {
      patientId: links.id,
      encounterId: nextId('Encounter'),
      practitionerId: links.practitionerId,
      organizationId: links.organizationId,
      startMs,
      endMs: startMs + durationMs,
    };
    out.push(buildEncounter(ctx, type, type.encounterClass));

    if (encounterIndex === 0) {
      const allergyCount = rng.pick([0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
      const chosen = new Set<(typeof ALLERGIES)[number]>();
      while (chosen.size < allergyCount) chosen.add(rng.pick(ALLERGIES));
      for (const allergy of chosen) {
        out.push(
          buildAllergyIntolerance(
            nextId('AllergyIntolerance'),
            ctx,
            allergy,
            rng.chance(0.2) ? 'high' : 'low',
          ),
        );
      }
    }

    const diagnosed = chronic.filter((c) => diagnosisAt.get(c) === startMs);
    if (type.code === '185345009' || type.code === '185347001' || type.encounterClass === 'EMER') {
      const acute = CONDITIONS.filter((c) => !c.chronic && age >= c.minAge);
      if (rng.chance(0.6)) diagnosed.push(rng.pick(acute));
    }
    for (const condition of diagnosed) {
      const abatementMs = condition.chronic ? undefined : startMs + rng.int(7, 21) * MS_PER_DAY;
      const conditionId = nextId('Condition');
      out.push(buildCondition(conditionId, ctx, condition, abatementMs));
      if (condition.medication !== undefined) {
        const medication = RXNORM_MEDICATIONS[condition.medication as keyof typeof RXNORM_MEDICATIONS];
        out.push(
          buildMedicationRequest(
            nextId('MedicationRequest'),
            ctx,
            medication,
            conditionId,
            condition.chronic,
          ),
        );
      }
    }

    pushVitals(rng, out, ctx, profile, age, nextId);
    if (age >= 18 && rng.chance(0.35)) {
      const hasDiabetes = chronic.some((c) => c.code === '44054006' || c.code === '15777000');
      const panels = LAB_PANELS.filter((p) => p.code !== '4548-4' || hasDiabetes);
      pushLabPanel(rng, out, ctx, profile, rng.pick(panels), nextId);
    }

    const vaccines = VACCINES.filter((v) => age >= v.minAge && age <= v.maxAge);
    if (vaccines.length > 0 && rng.chance(type.code === '410620009' ? 0.8 : 0.25)) {
      const lot = rng.faker.string.alphanumeric({ length: 7, casing: 'upper' });
      out.push(buildImmunization(nextId('Immunization'), ctx, rng.pick(vaccines), lot));
    }
    if (rng.chance(0.25)) {
      const procedure = rng.pick(PROCEDURES.filter((p) => age >= p.minAge));
      const procStart = startMs + rng.int(1, 3) * 5 * MS_PER_MINUTE;
      out.push(
        buildProcedure(
          nextId('Procedure'),
          ctx,
          procedure,
          procStart,
          procStart + rng.int(2, 6) * 5 * MS_PER_MINUTE,
        ),
      );
    }
  });
  return out;
}

/** 2–7 visits (more when older) in the last ten years of life, during opening hours, in date order. */
function drawEncounterStarts(rng: Rng, birthMs: number, referenceMs: number): number[] {
  const fromDay = Math.ceil(
    Math.max(birthMs + MS_PER_DAY, referenceMs - LOOKBACK_YEARS * MS_PER_YEAR) / MS_PER_DAY,
  );
  const toDay = Math.floor(referenceMs / MS_PER_DAY) - 1;
  const count = rng.int(2, 5) + (ageInYears(birthMs, referenceMs) > 60 ? rng.int(0, 2) : 0);
  const starts: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = rng.int(fromDay, Math.max(fromDay, toDay));
    starts.push(day * MS_PER_DAY + rng.int(8 * 12, 17 * 12) * 5 * MS_PER_MINUTE);
  }
  return [...new Set(starts)].sort((a, b) => a - b);
}

function pushVitals(
  rng: Rng,
  out: GeneratedResource[],
  ctx: EncounterContext,
  profile: BodyProfile,
  age: number,
  nextId: (type: ChildType) => string,
): void {
  const at = ctx.startMs + 5 * MS_PER_MINUTE;
  const ranges = vitalRanges(age);
  const height = heightCm(profile, age);
  const weight = Math.round(weightKg(profile, age) * rng.float(0.97, 1.03, 3) * 10) / 10;
  const v = VITAL_SIGNS;
  const add = (code: { code: string; display: string; unit: string }, value: number): void => {
    out.push(
      buildObservation(nextId('Observation'), ctx, 'vital-signs', { code, value, unit: code.unit }, at),
    );
  };
  add(v.bodyHeight, height);
  add(v.bodyWeight, weight);
  if (age >= 2) add(v.bmi, Math.round((weight / (height / 100) ** 2) * 10) / 10);
  if (age >= 3) {
    const systolic = rng.int(ranges.systolic[0], ranges.systolic[1]);
    const diastolic = Math.min(systolic - 20, rng.int(ranges.diastolic[0], ranges.diastolic[1]));
    out.push(
      buildPanelObservation(
        nextId('Observation'),
        ctx,
        v.bloodPressurePanel,
        [
          { code: v.systolic, value: systolic, unit: v.systolic.unit },
          { code: v.diastolic, value: diastolic, unit: v.diastolic.unit },
        ],
        at,
      ),
    );
  }
  add(v.heartRate, rng.int(ranges.heartRate[0], ranges.heartRate[1]));
  add(v.respiratoryRate, rng.int(ranges.respiratoryRate[0], ranges.respiratoryRate[1]));
  add(v.bodyTemperature, rng.float(36.3, 37.6, 1));
  add(v.oxygenSaturation, rng.int(94, 100));
}

function pushLabPanel(
  rng: Rng,
  out: GeneratedResource[],
  ctx: EncounterContext,
  profile: BodyProfile,
  panel: LabPanel,
  nextId: (type: ChildType) => string,
): void {
  const collectedMs = ctx.startMs + rng.int(2, 6) * 5 * MS_PER_MINUTE;
  const resultIds: string[] = [];
  for (const test of panel.tests) {
    const [low, high] = test.range[profile.sex];
    const id = nextId('Observation');
    resultIds.push(id);
    out.push(
      buildObservation(
        id,
        ctx,
        'laboratory',
        { code: test, value: rng.float(low, high, test.fractionDigits), unit: test.unit },
        collectedMs,
      ),
    );
  }
  const issuedMs = collectedMs + rng.int(1, 24) * 60 * MS_PER_MINUTE;
  out.push(buildDiagnosticReport(nextId('DiagnosticReport'), ctx, panel, resultIds, collectedMs, issuedMs));
}
