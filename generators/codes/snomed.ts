/** SNOMED CT codes for conditions, procedures, allergies and encounter types (the ones Synthea-style data uses most). */
import type { CodeEntry } from './coding.js';

export interface ConditionEntry extends CodeEntry {
  /** Chronic conditions stay active and get a long-running prescription; acute ones resolve. */
  chronic: boolean;
  minAge: number;
  /** Key into RXNORM_MEDICATIONS of the usual first-line prescription, if any. */
  medication?: string;
}

export const CONDITIONS: readonly ConditionEntry[] = [
  {
    code: '44054006',
    display: 'Diabetes mellitus type 2 (disorder)',
    chronic: true,
    minAge: 30,
    medication: 'metformin',
  },
  {
    code: '38341003',
    display: 'Hypertensive disorder, systemic arterial (disorder)',
    chronic: true,
    minAge: 25,
    medication: 'lisinopril',
  },
  {
    code: '55822004',
    display: 'Hyperlipidemia (disorder)',
    chronic: true,
    minAge: 30,
    medication: 'simvastatin',
  },
  { code: '195967001', display: 'Asthma (disorder)', chronic: true, minAge: 3, medication: 'albuterol' },
  {
    code: '13645005',
    display: 'Chronic obstructive lung disease (disorder)',
    chronic: true,
    minAge: 45,
    medication: 'fluticasone',
  },
  {
    code: '35489007',
    display: 'Depressive disorder (disorder)',
    chronic: true,
    minAge: 14,
    medication: 'sertraline',
  },
  { code: '197480006', display: 'Anxiety disorder (disorder)', chronic: true, minAge: 12 },
  {
    code: '49436004',
    display: 'Atrial fibrillation (disorder)',
    chronic: true,
    minAge: 50,
    medication: 'warfarin',
  },
  {
    code: '53741008',
    display: 'Coronary arteriosclerosis (disorder)',
    chronic: true,
    minAge: 45,
    medication: 'clopidogrel',
  },
  {
    code: '40930008',
    display: 'Hypothyroidism (disorder)',
    chronic: true,
    minAge: 20,
    medication: 'levothyroxine',
  },
  {
    code: '69896004',
    display: 'Rheumatoid arthritis (disorder)',
    chronic: true,
    minAge: 25,
    medication: 'naproxen',
  },
  {
    code: '239873007',
    display: 'Osteoarthritis of knee (disorder)',
    chronic: true,
    minAge: 45,
    medication: 'ibuprofen',
  },
  { code: '15777000', display: 'Prediabetes (finding)', chronic: true, minAge: 18 },
  { code: '271737000', display: 'Anemia (disorder)', chronic: true, minAge: 0 },
  {
    code: '24079001',
    display: 'Atopic dermatitis (disorder)',
    chronic: true,
    minAge: 0,
    medication: 'hydrocortisone',
  },
  {
    code: '444814009',
    display: 'Viral sinusitis (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'acetaminophen',
  },
  {
    code: '10509002',
    display: 'Acute bronchitis (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'acetaminophen',
  },
  {
    code: '195662009',
    display: 'Acute viral pharyngitis (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'ibuprofen',
  },
  {
    code: '43878008',
    display: 'Streptococcal sore throat (disorder)',
    chronic: false,
    minAge: 2,
    medication: 'penicillin',
  },
  {
    code: '65363002',
    display: 'Otitis media (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'amoxicillin',
  },
  {
    code: '233604007',
    display: 'Pneumonia (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'amoxicillinClavulanate',
  },
  {
    code: '68566005',
    display: 'Urinary tract infectious disease (disorder)',
    chronic: false,
    minAge: 0,
    medication: 'amoxicillin',
  },
  { code: '36971009', display: 'Sinusitis (disorder)', chronic: false, minAge: 0, medication: 'cetirizine' },
];

export const PROCEDURES: readonly (CodeEntry & { minAge: number })[] = [
  { code: '430193006', display: 'Medication Reconciliation (procedure)', minAge: 0 },
  { code: '171207006', display: 'Depression screening (procedure)', minAge: 12 },
  { code: '710824005', display: 'Assessment of health and social care needs (procedure)', minAge: 18 },
  { code: '117015009', display: 'Throat culture (procedure)', minAge: 2 },
  { code: '399208008', display: 'Plain chest X-ray (procedure)', minAge: 0 },
  { code: '29303009', display: 'Electrocardiographic procedure (procedure)', minAge: 30 },
  { code: '73761001', display: 'Colonoscopy (procedure)', minAge: 45 },
  { code: '71651007', display: 'Mammography (procedure)', minAge: 40 },
  { code: '80146002', display: 'Appendectomy (procedure)', minAge: 5 },
  { code: '76601001', display: 'Intramuscular injection (procedure)', minAge: 0 },
  { code: '162676008', display: 'Brief general examination (procedure)', minAge: 0 },
];

export const ALLERGIES: readonly (CodeEntry & { category: 'food' | 'medication' | 'environment' })[] = [
  { code: '91936005', display: 'Allergy to penicillin (disorder)', category: 'medication' },
  { code: '300916003', display: 'Latex allergy (disorder)', category: 'environment' },
  { code: '91935009', display: 'Allergy to peanuts (disorder)', category: 'food' },
  { code: '91930004', display: 'Allergy to eggs (disorder)', category: 'food' },
  { code: '417532002', display: 'Allergy to fish (disorder)', category: 'food' },
  { code: '300913006', display: 'Shellfish allergy (disorder)', category: 'food' },
  { code: '425525006', display: 'Allergy to dairy product (disorder)', category: 'food' },
  { code: '714035009', display: 'Allergy to soya (disorder)', category: 'food' },
  { code: '419474003', display: 'Allergy to mould (disorder)', category: 'environment' },
  { code: '232347008', display: 'Dander (animal) allergy (disorder)', category: 'environment' },
  { code: '232350006', display: 'House dust mite allergy (disorder)', category: 'environment' },
  { code: '418689008', display: 'Allergy to grass pollen (disorder)', category: 'environment' },
];

export type EncounterClass = 'AMB' | 'EMER' | 'IMP';

export const ENCOUNTER_TYPES: readonly (CodeEntry & { encounterClass: EncounterClass; maxAge: number })[] = [
  { code: '410620009', display: 'Well child visit (procedure)', encounterClass: 'AMB', maxAge: 17 },
  {
    code: '162673000',
    display: 'General examination of patient (procedure)',
    encounterClass: 'AMB',
    maxAge: 200,
  },
  { code: '185349003', display: 'Encounter for check up (procedure)', encounterClass: 'AMB', maxAge: 200 },
  { code: '185345009', display: 'Encounter for symptom (procedure)', encounterClass: 'AMB', maxAge: 200 },
  { code: '185347001', display: 'Encounter for problem (procedure)', encounterClass: 'AMB', maxAge: 200 },
  { code: '390906007', display: 'Follow-up encounter (procedure)', encounterClass: 'AMB', maxAge: 200 },
  { code: '50849002', display: 'Emergency room admission (procedure)', encounterClass: 'EMER', maxAge: 200 },
  { code: '32485007', display: 'Hospital admission (procedure)', encounterClass: 'IMP', maxAge: 200 },
];

export const ENCOUNTER_CLASS_DISPLAY: Record<EncounterClass, string> = {
  AMB: 'ambulatory',
  EMER: 'emergency',
  IMP: 'inpatient encounter',
};
