/** RxNorm clinical drugs (SCD codes) with the dosage text a prescriber would write. */
import type { CodeEntry } from './coding.js';

export interface MedicationEntry extends CodeEntry {
  dosage: string;
  /** Doses per day. */
  frequency: number;
}

export const RXNORM_MEDICATIONS = {
  metformin: {
    code: '860975',
    display: '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet',
    dosage: 'Take 1 tablet by mouth daily with the evening meal',
    frequency: 1,
  },
  lisinopril: {
    code: '314076',
    display: 'lisinopril 10 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  amlodipine: {
    code: '197361',
    display: 'amlodipine 5 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  simvastatin: {
    code: '312961',
    display: 'Simvastatin 20 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth at bedtime',
    frequency: 1,
  },
  albuterol: {
    code: '745679',
    display: '200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
    dosage: 'Inhale 2 puffs every 4 to 6 hours as needed',
    frequency: 4,
  },
  fluticasone: {
    code: '895994',
    display: '120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler',
    dosage: 'Inhale 2 puffs twice daily',
    frequency: 2,
  },
  sertraline: {
    code: '312938',
    display: 'Sertraline 100 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  warfarin: {
    code: '855332',
    display: 'Warfarin Sodium 5 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  clopidogrel: {
    code: '309362',
    display: 'Clopidogrel 75 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  levothyroxine: {
    code: '966222',
    display: 'Levothyroxine Sodium 0.075 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth every morning',
    frequency: 1,
  },
  naproxen: {
    code: '849574',
    display: 'Naproxen sodium 220 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth twice daily with food',
    frequency: 2,
  },
  ibuprofen: {
    code: '310965',
    display: 'Ibuprofen 200 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth every 6 hours as needed',
    frequency: 4,
  },
  acetaminophen: {
    code: '313782',
    display: 'Acetaminophen 325 MG Oral Tablet',
    dosage: 'Take 2 tablets by mouth every 6 hours as needed',
    frequency: 4,
  },
  penicillin: {
    code: '834061',
    display: 'Penicillin V Potassium 250 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth four times daily for 10 days',
    frequency: 4,
  },
  amoxicillin: {
    code: '308182',
    display: 'Amoxicillin 250 MG Oral Capsule',
    dosage: 'Take 1 capsule by mouth three times daily for 10 days',
    frequency: 3,
  },
  amoxicillinClavulanate: {
    code: '562251',
    display: 'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth every 8 hours for 7 days',
    frequency: 3,
  },
  cetirizine: {
    code: '1014676',
    display: 'cetirizine hydrochloride 5 MG Oral Tablet',
    dosage: 'Take 1 tablet by mouth once daily',
    frequency: 1,
  },
  hydrocortisone: {
    code: '106258',
    display: 'Hydrocortisone 10 MG/ML Topical Cream',
    dosage: 'Apply a thin layer to the affected area twice daily',
    frequency: 2,
  },
} as const satisfies Record<string, MedicationEntry>;

export type MedicationKey = keyof typeof RXNORM_MEDICATIONS;
