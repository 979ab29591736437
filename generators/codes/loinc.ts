/**
 * LOINC codes for vital signs and common labs, with UCUM units and adult reference ranges by sex. The ranges are
 * what the generator draws from (a little wider than "normal" so some results are flagged in real life too).
 */
import type { CodeEntry } from './coding.js';

export type Sex = 'female' | 'male';

export interface LabTest extends CodeEntry {
  /** UCUM code; also used as the human unit. */
  unit: string;
  range: Record<Sex, readonly [number, number]>;
  fractionDigits: number;
}

export const VITAL_SIGNS = {
  bodyHeight: { code: '8302-2', display: 'Body height', unit: 'cm' },
  bodyWeight: { code: '29463-7', display: 'Body weight', unit: 'kg' },
  bmi: { code: '39156-5', display: 'Body mass index (BMI) [Ratio]', unit: 'kg/m2' },
  bloodPressurePanel: {
    code: '85354-9',
    display: 'Blood pressure panel with all children optional',
    unit: '',
  },
  systolic: { code: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]' },
  diastolic: { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]' },
  heartRate: { code: '8867-4', display: 'Heart rate', unit: '/min' },
  respiratoryRate: { code: '9279-1', display: 'Respiratory rate', unit: '/min' },
  bodyTemperature: { code: '8310-5', display: 'Body temperature', unit: 'Cel' },
  oxygenSaturation: {
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
  },
} as const satisfies Record<string, CodeEntry & { unit: string }>;

const lab = (
  code: string,
  display: string,
  unit: string,
  female: readonly [number, number],
  male: readonly [number, number],
  fractionDigits: number,
): LabTest => ({ code, display, unit, range: { female, male }, fractionDigits });

export const LABS = {
  glucose: lab('2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', [70, 130], [70, 130], 0),
  ureaNitrogen: lab('3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 'mg/dL', [6, 21], [8, 24], 0),
  creatinine: lab(
    '2160-0',
    'Creatinine [Mass/volume] in Serum or Plasma',
    'mg/dL',
    [0.6, 1.1],
    [0.7, 1.3],
    2,
  ),
  calcium: lab('17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 'mg/dL', [8.6, 10.3], [8.6, 10.3], 1),
  sodium: lab('2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', [135, 145], [135, 145], 0),
  potassium: lab(
    '2823-3',
    'Potassium [Moles/volume] in Serum or Plasma',
    'mmol/L',
    [3.5, 5.1],
    [3.5, 5.1],
    1,
  ),
  chloride: lab('2075-0', 'Chloride [Moles/volume] in Serum or Plasma', 'mmol/L', [98, 107], [98, 107], 0),
  carbonDioxide: lab(
    '2028-9',
    'Carbon dioxide, total [Moles/volume] in Serum or Plasma',
    'mmol/L',
    [22, 29],
    [22, 29],
    0,
  ),
  cholesterol: lab(
    '2093-3',
    'Cholesterol [Mass/volume] in Serum or Plasma',
    'mg/dL',
    [140, 260],
    [140, 260],
    0,
  ),
  triglycerides: lab(
    '2571-8',
    'Triglyceride [Mass/volume] in Serum or Plasma',
    'mg/dL',
    [50, 220],
    [60, 250],
    0,
  ),
  hdl: lab('2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', [45, 80], [35, 65], 0),
  ldl: lab(
    '18262-6',
    'Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay',
    'mg/dL',
    [60, 170],
    [60, 180],
    0,
  ),
  hemoglobin: lab('718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', [12, 15.5], [13.5, 17.5], 1),
  hematocrit: lab(
    '4544-3',
    'Hematocrit [Volume Fraction] of Blood by Automated count',
    '%',
    [35.5, 44.9],
    [38.3, 48.6],
    1,
  ),
  leukocytes: lab(
    '6690-2',
    'Leukocytes [#/volume] in Blood by Automated count',
    '10*3/uL',
    [4.5, 11],
    [4.5, 11],
    1,
  ),
  platelets: lab(
    '777-3',
    'Platelets [#/volume] in Blood by Automated count',
    '10*3/uL',
    [150, 400],
    [150, 400],
    0,
  ),
  hba1c: lab('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', [4.5, 8.5], [4.5, 8.5], 1),
} as const satisfies Record<string, LabTest>;

export interface LabPanel extends CodeEntry {
  tests: readonly LabTest[];
}

/** Panels become one DiagnosticReport whose `result` lists one Observation per test. */
export const LAB_PANELS: readonly LabPanel[] = [
  {
    code: '51990-0',
    display: 'Basic metabolic panel - Blood',
    tests: [
      LABS.glucose,
      LABS.ureaNitrogen,
      LABS.creatinine,
      LABS.calcium,
      LABS.sodium,
      LABS.potassium,
      LABS.chloride,
      LABS.carbonDioxide,
    ],
  },
  {
    code: '57698-3',
    display: 'Lipid panel with direct LDL - Serum or Plasma',
    tests: [LABS.cholesterol, LABS.triglycerides, LABS.hdl, LABS.ldl],
  },
  {
    code: '58410-2',
    display: 'CBC panel - Blood by Automated count',
    tests: [LABS.hemoglobin, LABS.hematocrit, LABS.leukocytes, LABS.platelets],
  },
  { code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', tests: [LABS.hba1c] },
];
