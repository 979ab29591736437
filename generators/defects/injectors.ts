/**
 * One injector per defect class. An injector receives a parsed copy of a clean record (and its clean JSON line) and
 * returns the damaged line plus where and how it was damaged. Each injector does exactly one thing to the record, so
 * the record has exactly one defect and one expected outcome.
 */
import type { GeneratedResource, GeneratedType } from '../generated-resource.js';
import type { Rng } from '../rng.js';
import { DefectClass } from './catalogue.js';
import { getAt, setAt, type ElementPath } from './paths.js';
import {
  CODE_TARGETS,
  DATE_ONLY_TARGETS,
  DATE_TIME_TARGETS,
  NAME_TARGETS,
  PRIMITIVE_TARGETS,
  REFERENCE_TARGETS,
  STRUCTURE_TARGETS,
  TEXT_TARGETS,
} from './targets.js';

const PLAIN_RELATIVE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

export interface InjectionContext {
  cleanText: string;
  maxRecordBytes: number;
}

export interface Injection {
  variant: string;
  path?: ElementPath;
  /** The value now at `path`; undefined when the element was removed. */
  value?: unknown;
  /** Include `value` in the ground truth (false for huge values such as oversize padding). */
  reportValue: boolean;
  /** The damaged line. */
  text: string;
  /** Whether the clean line is written too, just before the damaged one (the duplicate classes). */
  keepClean: boolean;
}

/** A record the injector may edit freely (a parsed copy of the clean line). */
type Draft = GeneratedResource & Record<string, unknown>;

interface Candidate {
  variant: string;
  path: ElementPath;
}

export interface DefectInjector {
  defect: DefectClass;
  /** Relative chance among the classes that apply to a record. */
  weight: number;
  candidates(draft: Draft): Candidate[];
  inject(draft: Draft, candidate: Candidate, rng: Rng, ctx: InjectionContext): Injection;
}

const WHOLE_RECORD: ElementPath = [];

function targetsOf(
  table: Partial<Record<GeneratedType, readonly ElementPath[]>>,
  draft: Draft,
): readonly ElementPath[] {
  return table[draft.resourceType] ?? [];
}

function where(
  draft: Draft,
  table: Partial<Record<GeneratedType, readonly ElementPath[]>>,
  variant: string,
  test: (value: unknown) => boolean,
): Candidate[] {
  return targetsOf(table, draft)
    .filter((path) => test(getAt(draft, path)))
    .map((path) => ({ variant, path }));
}

function variants(...names: string[]): Candidate[] {
  return names.map((variant) => ({ variant, path: WHOLE_RECORD }));
}

function replaced(draft: Draft, candidate: Candidate, value: unknown): Injection {
  setAt(draft, candidate.path, value);
  return {
    variant: candidate.variant,
    path: candidate.path,
    value,
    reportValue: true,
    text: JSON.stringify(draft),
    keepClean: false,
  };
}

/** The record written as `resource`, the defect not carried in a reported value (a removed element, a filler). */
function unreported(candidate: Candidate, resource: Record<string, unknown>): Injection {
  return {
    variant: candidate.variant,
    path: candidate.path,
    reportValue: false,
    text: JSON.stringify(resource),
    keepClean: false,
  };
}

/** The draft without one top-level element (a missing resourceType or id). */
function omitted(draft: Draft, candidate: Candidate, key: 'resourceType' | 'id'): Injection {
  // Same key order as the draft, so the written text is what it was before the element went.
  return unreported(candidate, Object.fromEntries(Object.entries(draft).filter(([name]) => name !== key)));
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isDateOnly = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
const isDateTime = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value);

export const GENDER_SYNONYMS: Record<string, readonly string[]> = {
  female: ['F', 'f', 'Female', 'FEMALE'],
  male: ['M', 'm', 'Male', 'MALE'],
};

function codeVariants(path: ElementPath, code: string): readonly string[] {
  if (path[0] === 'gender') return GENDER_SYNONYMS[code] ?? [];
  return [code.charAt(0).toUpperCase() + code.slice(1), code.toUpperCase()];
}

const CONTROL_CHARACTERS = ['\u0000', '\u0007', '\u001b', '\u007f'];

/** Empty values that C2 drops; each is added under a DomainResource element the generator never writes. */
const EMPTY_ELEMENTS: readonly { variant: string; key: string; value: unknown }[] = [
  { variant: 'null', key: 'language', value: null },
  { variant: 'empty-string', key: 'implicitRules', value: '' },
  { variant: 'empty-array', key: 'extension', value: [] },
  { variant: 'empty-object', key: 'meta', value: {} },
];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function firstString(value: unknown): string {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

/** Text a data-entry system might flatten an object or array into. */
function flatten(value: unknown): string {
  if (Array.isArray(value)) return flatten(value[0]);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string') return record.text;
    if (typeof record.family === 'string') return `${record.family}, ${firstString(record.given)}`;
    if (typeof record.city === 'string') return `${firstString(record.line)}, ${record.city}`;
    if (typeof record.code === 'string') return record.code;
    if (typeof record.reference === 'string') return record.reference;
    if (record.coding !== undefined) return flatten(record.coding);
    if (record.actor !== undefined) return flatten(record.actor);
  }
  return String(value);
}

export const INJECTORS: readonly DefectInjector[] = [
  {
    defect: DefectClass.WHITESPACE,
    weight: 1,
    candidates: (d) =>
      ['leading', 'trailing', 'both'].flatMap((v) => where(d, TEXT_TARGETS, v, isNonEmptyString)),
    inject: (d, c) => {
      const text = getAt(d, c.path) as string;
      const padded =
        c.variant === 'leading' ? `  ${text}` : c.variant === 'trailing' ? `${text}  ` : ` ${text} `;
      return replaced(d, c, padded);
    },
  },
  {
    defect: DefectClass.NULLS_EMPTIES,
    weight: 1,
    candidates: (d) =>
      EMPTY_ELEMENTS.filter((e) => !(e.key in d)).map((e) => ({ variant: e.variant, path: [e.key] })),
    inject: (d, c) => replaced(d, c, EMPTY_ELEMENTS.find((e) => e.variant === c.variant)?.value),
  },
  {
    defect: DefectClass.CODE_SYNONYM,
    weight: 1,
    candidates: (d) =>
      where(d, CODE_TARGETS, 'synonym', (v) => typeof v === 'string' && codeVariants(['x'], v).length > 0),
    inject: (d, c, rng) => {
      const code = getAt(d, c.path) as string;
      return replaced(
        d,
        { variant: c.path[0] === 'gender' ? 'gender-synonym' : 'case', path: c.path },
        rng.pick(codeVariants(c.path, code)),
      );
    },
  },
  {
    defect: DefectClass.DATE_FORMAT,
    weight: 1,
    candidates: (d) => [
      ...where(d, DATE_ONLY_TARGETS, 'slashes', isDateOnly),
      ...where(d, DATE_TIME_TARGETS, 'space-no-zone', isDateTime),
    ],
    inject: (d, c) => {
      const value = getAt(d, c.path) as string;
      return replaced(
        d,
        c,
        c.variant === 'slashes' ? value.replaceAll('-', '/') : value.slice(0, 19).replace('T', ' '),
      );
    },
  },
  {
    defect: DefectClass.AMBIGUOUS_DATE,
    weight: 1,
    candidates: (d) =>
      where(d, DATE_ONLY_TARGETS, 'MM/DD/YYYY', (v) => {
        if (!isDateOnly(v)) return false;
        const month = Number(v.slice(5, 7));
        const day = Number(v.slice(8, 10));
        return day <= 12 && day !== month;
      }),
    inject: (d, c) => {
      const value = getAt(d, c.path) as string;
      return replaced(d, c, `${value.slice(5, 7)}/${value.slice(8, 10)}/${value.slice(0, 4)}`);
    },
  },
  {
    defect: DefectClass.STRING_PRIMITIVE,
    weight: 1,
    candidates: (d) => [
      ...where(d, PRIMITIVE_TARGETS, 'number-as-string', (v) => typeof v === 'number'),
      ...where(d, PRIMITIVE_TARGETS, 'boolean-as-string', (v) => typeof v === 'boolean'),
    ],
    inject: (d, c) => replaced(d, c, JSON.stringify(getAt(d, c.path))),
  },
  {
    defect: DefectClass.UNICODE,
    weight: 1,
    candidates: (d) => [
      ...where(d, NAME_TARGETS, 'nfd', (v) => typeof v === 'string' && v.normalize('NFD') !== v),
      ...where(d, TEXT_TARGETS, 'control-character', (v) => typeof v === 'string' && v.length >= 2),
    ],
    inject: (d, c, rng) => {
      const text = getAt(d, c.path) as string;
      if (c.variant === 'nfd') return replaced(d, c, text.normalize('NFD'));
      return replaced(d, c, `${text.slice(0, 1)}${rng.pick(CONTROL_CHARACTERS)}${text.slice(1)}`);
    },
  },
  {
    defect: DefectClass.EXACT_DUPLICATE,
    weight: 1,
    candidates: () => variants('next-line'),
    inject: (_d, c, _rng, ctx) => ({
      variant: c.variant,
      reportValue: false,
      text: ctx.cleanText,
      keepClean: true,
    }),
  },
  {
    defect: DefectClass.CONFLICTING_DUPLICATE,
    weight: 1,
    candidates: (d) => ('language' in d ? [] : variants('next-line-changed')),
    inject: (d, c) => ({
      ...replaced(d, { variant: c.variant, path: ['language'] }, 'en-GB'),
      keepClean: true,
    }),
  },
  {
    defect: DefectClass.RESOURCE_TYPE,
    weight: 1,
    candidates: () => [
      { variant: 'missing', path: ['resourceType'] },
      { variant: 'unknown', path: ['resourceType'] },
    ],
    inject: (d, c) => {
      if (c.variant === 'unknown') return replaced(d, c, `${d.resourceType}s`);
      return omitted(d, c, 'resourceType');
    },
  },
  {
    defect: DefectClass.BAD_ID,
    weight: 1,
    candidates: () => ['missing', 'underscore', 'too-long'].map((variant) => ({ variant, path: ['id'] })),
    inject: (d, c) => {
      const id = d.id ?? '';
      if (c.variant === 'underscore') return replaced(d, c, id.replaceAll('-', '_'));
      if (c.variant === 'too-long') return replaced(d, c, `${id}-${'x'.repeat(65)}`);
      return omitted(d, c, 'id');
    },
  },
  {
    defect: DefectClass.UNPARSEABLE,
    weight: 1,
    candidates: () => variants('truncated', 'trailing-comma', 'single-quotes'),
    inject: (_d, c, _rng, ctx) => {
      const clean = ctx.cleanText;
      const text =
        c.variant === 'truncated'
          ? clean.slice(0, Math.floor(clean.length / 2))
          : c.variant === 'trailing-comma'
            ? `${clean.slice(0, -1)},}`
            : clean.replaceAll('"', "'");
      return { variant: c.variant, reportValue: false, text, keepClean: false };
    },
  },
  {
    defect: DefectClass.SCHEMA,
    weight: 1,
    candidates: (d) => [
      ...('legacyId' in d ? [] : [{ variant: 'unknown-element', path: ['legacyId'] }]),
      ...where(d, STRUCTURE_TARGETS, 'array-as-string', Array.isArray),
    ],
    inject: (d, c) =>
      c.variant === 'unknown-element'
        ? replaced(d, c, `LEG-${d.id ?? ''}`)
        : replaced(d, c, flatten(getAt(d, c.path))),
  },
  {
    defect: DefectClass.IMPOSSIBLE_DATE,
    weight: 1,
    candidates: (d) => [
      ...where(d, DATE_ONLY_TARGETS, 'no-such-day', isDateOnly),
      ...where(d, DATE_TIME_TARGETS, 'no-such-day', isDateTime),
    ],
    inject: (d, c, rng) => {
      const value = getAt(d, c.path) as string;
      const year = Number(value.slice(0, 4));
      const impossible = [
        '02-30',
        '02-31',
        '04-31',
        '06-31',
        '09-31',
        '11-31',
        ...(isLeapYear(year) ? [] : ['02-29']),
      ];
      return replaced(d, c, `${value.slice(0, 5)}${rng.pick(impossible)}${value.slice(10)}`);
    },
  },
  {
    defect: DefectClass.OVERSIZE,
    weight: 0.02,
    candidates: (d) => ('text' in d ? [] : [{ variant: 'narrative', path: ['text', 'div'] }]),
    inject: (d, c, _rng, ctx) => {
      const cleanBytes = Buffer.byteLength(ctx.cleanText);
      const filler = 'lorem ipsum dolor sit amet '.repeat(
        Math.ceil((ctx.maxRecordBytes - cleanBytes + 200) / 27),
      );
      const draft = {
        ...d,
        text: {
          status: 'generated',
          div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${filler.trim()}</p></div>`,
        },
      };
      return unreported(c, draft);
    },
  },
  {
    defect: DefectClass.MALFORMED_REFERENCE,
    weight: 1,
    candidates: (d) =>
      ['empty-id', 'free-text', 'bad-id'].flatMap((v) =>
        // Only Type/id: breaking a conditional reference (--reference-style synthea) at its first / need not make
        // it malformed.
        where(d, REFERENCE_TARGETS, v, (r) => typeof r === 'string' && PLAIN_RELATIVE.test(r)),
      ),
    inject: (d, c) => {
      const reference = getAt(d, c.path) as string;
      const [type = '', id = ''] = reference.split('/');
      const broken =
        c.variant === 'empty-id'
          ? `${type}/`
          : c.variant === 'free-text'
            ? 'not a ref'
            : `${type}/${id.replaceAll('-', '_')}`;
      return replaced(d, c, broken);
    },
  },
];
