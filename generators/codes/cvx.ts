/** CVX vaccine codes with the age window (years) in which they are given. */
import type { CodeEntry } from './coding.js';

export interface VaccineEntry extends CodeEntry {
  minAge: number;
  maxAge: number;
}

export const VACCINES: readonly VaccineEntry[] = [
  { code: '140', display: 'Influenza, seasonal, injectable, preservative free', minAge: 0.5, maxAge: 120 },
  { code: '08', display: 'Hep B, adolescent or pediatric', minAge: 0, maxAge: 1 },
  { code: '20', display: 'DTaP', minAge: 0.1, maxAge: 6 },
  { code: '10', display: 'IPV', minAge: 0.1, maxAge: 6 },
  { code: '49', display: 'Hib (PRP-OMP)', minAge: 0.1, maxAge: 2 },
  { code: '133', display: 'Pneumococcal conjugate PCV 13', minAge: 0.1, maxAge: 2 },
  { code: '119', display: 'rotavirus, monovalent', minAge: 0.1, maxAge: 1 },
  { code: '03', display: 'MMR', minAge: 1, maxAge: 6 },
  { code: '21', display: 'varicella', minAge: 1, maxAge: 6 },
  { code: '83', display: 'Hep A, ped/adol, 2 dose', minAge: 1, maxAge: 18 },
  { code: '115', display: 'Tdap', minAge: 11, maxAge: 120 },
  { code: '62', display: 'HPV, quadrivalent', minAge: 11, maxAge: 26 },
  { code: '114', display: 'meningococcal MCV4P', minAge: 11, maxAge: 18 },
  { code: '113', display: 'Td (adult) preservative free', minAge: 19, maxAge: 120 },
  { code: '33', display: 'pneumococcal polysaccharide PPV23', minAge: 65, maxAge: 120 },
  { code: '187', display: 'zoster recombinant', minAge: 50, maxAge: 120 },
  { code: '208', display: 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose', minAge: 12, maxAge: 120 },
];
