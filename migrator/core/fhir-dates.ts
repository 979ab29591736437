/**
 * FHIR date, dateTime and instant formats (R4 §2.24.0.1): recognising them, rewriting unambiguous near-misses (C4)
 * and telling real calendar dates from impossible ones such as 30 February (R8). Pure functions.
 */

export type DateKind = 'date' | 'dateTime' | 'instant';
export type DateOrder = 'dmy' | 'mdy';

export const DATE_KINDS: ReadonlySet<string> = new Set<DateKind>(['date', 'dateTime', 'instant']);

const ZONE = '(Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const FHIR_FORMATS: Record<DateKind, RegExp> = {
  date: /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?$/,
  dateTime: new RegExp(`^(\\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01])(?:T${TIME}${ZONE})?)?)?$`),
  instant: new RegExp(`^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T${TIME}${ZONE}$`),
};

export const EXPECTED_FORMAT: Record<DateKind, string> = {
  date: 'YYYY, YYYY-MM or YYYY-MM-DD',
  dateTime: 'YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz',
  instant: 'YYYY-MM-DDThh:mm:ss+zz:zz',
};

export function isFhirDateFormat(value: string, kind: DateKind): boolean {
  return FHIR_FORMATS[kind].test(value);
}

const YEAR_FIRST = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/;
const YEAR_LAST = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})/;
const TIME_AND_ZONE = /^(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

export type DateRewrite =
  | { kind: 'rewritten'; value: string }
  /** Day and month could be either way round and no --date-order says which. */
  | { kind: 'ambiguous' }
  | { kind: 'unrecognised' };

export interface DateRewriteOptions {
  dateOrder: DateOrder | undefined;
  /** Zone given to a time without one, e.g. `Z` or `+01:00`. */
  defaultZone: string;
}

/** Rewrites a value that is not yet in FHIR format but says unambiguously which date it means (C4). */
export function rewriteDate(value: string, kind: DateKind, options: DateRewriteOptions): DateRewrite {
  let year: string;
  let month: string;
  let day: string;
  let rest: string;
  const yearFirst = YEAR_FIRST.exec(value);
  if (yearFirst) {
    [, year = '', month = '', day = ''] = yearFirst;
    rest = value.slice(yearFirst[0].length);
  } else {
    const yearLast = YEAR_LAST.exec(value);
    if (!yearLast) return { kind: 'unrecognised' };
    if (!TIME_AND_ZONE.test(value.slice(yearLast[0].length))) return { kind: 'unrecognised' };
    if (options.dateOrder === undefined) return { kind: 'ambiguous' };
    const [, first = '', second = ''] = yearLast;
    year = yearLast[3] ?? '';
    [day, month] = options.dateOrder === 'dmy' ? [first, second] : [second, first];
    rest = value.slice(yearLast[0].length);
  }
  const time = TIME_AND_ZONE.exec(rest);
  if (!time) return { kind: 'unrecognised' };
  const [, hours, minutes, seconds, fraction, zone] = time;
  const datePart = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  let rewritten: string;
  if (hours === undefined) {
    if (kind === 'instant') return { kind: 'unrecognised' };
    rewritten = datePart;
  } else {
    // A time in a date element would be thrown away: not a format fix, so not ours to make.
    if (kind === 'date') return { kind: 'unrecognised' };
    const clock = `${hours.padStart(2, '0')}:${minutes ?? '00'}:${seconds ?? '00'}${fraction ?? ''}`;
    rewritten = `${datePart}T${clock}${normaliseZone(zone ?? options.defaultZone)}`;
  }
  if (rewritten === value || !isFhirDateFormat(rewritten, kind)) return { kind: 'unrecognised' };
  return { kind: 'rewritten', value: rewritten };
}

function normaliseZone(zone: string): string {
  if (zone === 'Z' || zone.includes(':')) return zone;
  return `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** For a value already in FHIR format: undefined when the day exists, else why not ("February 2021 has 28 days"). */
export function calendarProblem(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const days = daysInMonth(year, month);
  if (day <= days) return undefined;
  return `${MONTH_NAMES[month - 1] ?? `month ${month}`} ${year} has ${days} days`;
}
