/**
 * C3: codes of a required binding written with the wrong case or a common synonym. Case-insensitive matches against
 * the schema's code list need no table; the table holds only true synonyms, per element (`Type.element`) or, for
 * elements that mean the same everywhere, per element name.
 */

const SYNONYMS: Record<string, Readonly<Record<string, string>>> = {
  gender: {
    m: 'male',
    man: 'male',
    f: 'female',
    w: 'female',
    woman: 'female',
    o: 'other',
    u: 'unknown',
    unk: 'unknown',
  },
  'Observation.status': {
    finalized: 'final',
    finalised: 'final',
    prelim: 'preliminary',
    canceled: 'cancelled',
  },
  'DiagnosticReport.status': {
    finalized: 'final',
    finalised: 'final',
    prelim: 'preliminary',
    canceled: 'cancelled',
  },
  'Encounter.status': { completed: 'finished', canceled: 'cancelled', 'in progress': 'in-progress' },
  'MedicationRequest.status': { canceled: 'cancelled' },
  'Immunization.status': { done: 'completed', complete: 'completed' },
  'Procedure.status': { done: 'completed', complete: 'completed', 'in progress': 'in-progress' },
};

/** The canonical code for `value`, or undefined when there is no unambiguous one. */
export function canonicalCode(
  ownerType: string,
  element: string,
  value: string,
  codes: readonly string[],
): string | undefined {
  const lower = value.toLowerCase();
  const caseMatches = codes.filter((code) => code.toLowerCase() === lower);
  if (caseMatches.length === 1) return caseMatches[0];
  const synonym = SYNONYMS[`${ownerType}.${element}`]?.[lower] ?? SYNONYMS[element]?.[lower];
  return synonym !== undefined && codes.includes(synonym) ? synonym : undefined;
}

/**
 * Required bindings the R4 JSON schema leaves as a bare `code` (it only enumerates some). Values outside these lists
 * are rejected (R4) just like the schema's own enums.
 */
const REQUIRED_CODES: Record<string, readonly string[]> = {
  'Immunization.status': ['completed', 'entered-in-error', 'not-done'],
  'MedicationRequest.status': [
    'active',
    'on-hold',
    'cancelled',
    'completed',
    'entered-in-error',
    'stopped',
    'draft',
    'unknown',
  ],
  'MedicationRequest.intent': [
    'proposal',
    'plan',
    'order',
    'original-order',
    'reflex-order',
    'filler-order',
    'instance-order',
    'option',
  ],
  'Procedure.status': [
    'preparation',
    'in-progress',
    'not-done',
    'on-hold',
    'stopped',
    'completed',
    'entered-in-error',
    'unknown',
  ],
};

const REQUIRED_CODES_BY_TYPE = new Map<string, Map<string, readonly string[]>>();
for (const [path, codes] of Object.entries(REQUIRED_CODES)) {
  const [type = '', element = ''] = path.split('.');
  let byElement = REQUIRED_CODES_BY_TYPE.get(type);
  if (byElement === undefined)
    REQUIRED_CODES_BY_TYPE.set(type, (byElement = new Map<string, readonly string[]>()));
  byElement.set(element, codes);
}

export function requiredCodes(ownerType: string, element: string): readonly string[] | undefined {
  return REQUIRED_CODES_BY_TYPE.get(ownerType)?.get(element);
}
