/**
 * Plausible vital-sign values for a person's age and sex. Rough population curves, not clinical references: the aim
 * is data that does not make a reviewer wince (no 180 cm toddlers, no adult heart rate of 150 at a check-up).
 */
import type { Sex } from './codes/loinc.js';
import type { Rng } from './rng.js';

export interface BodyProfile {
  sex: Sex;
  /** Height this person reaches as an adult. */
  adultHeightCm: number;
  /** BMI this person tends to, once grown up. */
  adultBmi: number;
}

export function drawBodyProfile(rng: Rng, sex: Sex): BodyProfile {
  const adultHeightCm =
    sex === 'female' ? rng.around(163, 10, 145, 185, 1) : rng.around(176, 11, 155, 200, 1);
  const adultBmi = rng.around(26.5, 6, 17.5, 42, 1);
  return { sex, adultHeightCm, adultBmi };
}

export function heightCm(profile: BodyProfile, age: number): number {
  const maturity = profile.sex === 'female' ? 15 : 17;
  let height: number;
  if (age < 1) height = 50 + 25 * age;
  else if (age < 2) height = 75 + 12 * (age - 1);
  else if (age < maturity) height = 87 + ((profile.adultHeightCm - 87) * (age - 2)) / (maturity - 2);
  else height = profile.adultHeightCm;
  return Math.round(height * 10) / 10;
}

export function weightKg(profile: BodyProfile, age: number): number {
  if (age < 2) return Math.round((3.5 + 4.5 * age) * 10) / 10;
  const bmi = age < 18 ? 16 + ((profile.adultBmi - 16) * (age - 2)) / 16 : profile.adultBmi;
  const metres = heightCm(profile, age) / 100;
  return Math.round(bmi * metres * metres * 10) / 10;
}

export interface VitalRanges {
  systolic: readonly [number, number];
  diastolic: readonly [number, number];
  heartRate: readonly [number, number];
  respiratoryRate: readonly [number, number];
}

export function vitalRanges(age: number): VitalRanges {
  if (age < 1)
    return { systolic: [70, 100], diastolic: [50, 65], heartRate: [100, 160], respiratoryRate: [30, 50] };
  if (age < 6)
    return { systolic: [80, 110], diastolic: [50, 70], heartRate: [80, 130], respiratoryRate: [20, 30] };
  if (age < 13)
    return { systolic: [90, 115], diastolic: [55, 75], heartRate: [70, 110], respiratoryRate: [18, 25] };
  if (age < 50)
    return { systolic: [100, 135], diastolic: [60, 88], heartRate: [58, 100], respiratoryRate: [12, 20] };
  return { systolic: [110, 155], diastolic: [65, 95], heartRate: [55, 100], respiratoryRate: [12, 20] };
}
