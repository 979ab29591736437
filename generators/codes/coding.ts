/** One entry of a code table: a real code from a public code system with its display text. */
export interface CodeEntry {
  code: string;
  display: string;
}

export const CodeSystem = {
  LOINC: 'http://loinc.org',
  SNOMED: 'http://snomed.info/sct',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  UCUM: 'http://unitsofmeasure.org',
  ACT_CODE: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  OBSERVATION_CATEGORY: 'http://terminology.hl7.org/CodeSystem/observation-category',
  CONDITION_CLINICAL: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  CONDITION_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  CONDITION_CATEGORY: 'http://terminology.hl7.org/CodeSystem/condition-category',
  ALLERGY_CLINICAL: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  ALLERGY_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  DIAGNOSTIC_SERVICE: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  IDENTIFIER_TYPE: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  ORGANIZATION_TYPE: 'http://terminology.hl7.org/CodeSystem/organization-type',
  NPI: 'http://hl7.org/fhir/sid/us-npi',
} as const;
