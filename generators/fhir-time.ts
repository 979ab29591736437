/**
 * Dates in the generated data are computed from a fixed reference date (an option), never from the wall clock, and
 * written in UTC: FHIR `date` as YYYY-MM-DD and `dateTime`/`instant` as YYYY-MM-DDThh:mm:ssZ.
 */
export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;
export const MS_PER_YEAR = 365.2425 * MS_PER_DAY;

export const DEFAULT_REFERENCE_DATE = '2025-01-01T00:00:00Z';

export function fhirDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function fhirDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function ageInYears(birthMs: number, atMs: number): number {
  return (atMs - birthMs) / MS_PER_YEAR;
}
