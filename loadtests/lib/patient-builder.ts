/**
 * A small deterministic Patient builder: the same (vu, iteration) always yields the same record, so two runs post
 * comparable payloads. The `generators/` folder makes richer data; point PAYLOAD_FILE at its NDJSON to use it.
 */

export interface PatientResource {
  resourceType: 'Patient';
  id?: string;
  identifier?: { system: string; value: string }[];
  [element: string]: unknown;
}

const GIVEN = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elif',
  'Femi',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
];
const FAMILY = [
  'Okafor',
  'Schmidt',
  'Rossi',
  'Tanaka',
  'Novak',
  'Silva',
  'Haddad',
  'Larsen',
  'Moreau',
  'Kaur',
];
const CITIES = ['Lyon', 'Porto', 'Ghent', 'Turku', 'Brno', 'Cork', 'Graz', 'Bergen'];

/** Marks load-test records so they can be told apart from real data on a shared ledger. */
export const LOAD_IDENTIFIER_SYSTEM = 'urn:fhirledger:loadtest';

/** xorshift32: tiny, fast and the same on every k6 build, unlike Math.random. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function buildPatient(vu: number, iteration: number): PatientResource {
  const random = seededRandom(vu * 1_000_003 + iteration * 7919 + 17);
  const year = 1930 + Math.floor(random() * 90);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return {
    resourceType: 'Patient',
    identifier: [{ system: LOAD_IDENTIFIER_SYSTEM, value: `vu${vu}-it${iteration}` }],
    active: true,
    name: [{ use: 'official', family: pick(FAMILY, random), given: [pick(GIVEN, random)] }],
    gender: pick(['female', 'male', 'other', 'unknown'], random),
    birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
    address: [{ use: 'home', city: pick(CITIES, random), postalCode: pad(Math.floor(random() * 100000), 5) }],
  };
}

/**
 * The "modify" step of the loop: a change a clinic really makes (new phone number), deterministic per
 * (vu, iteration) so the read-back check knows what to expect.
 */
export function modifiedPatient<T extends Record<string, unknown>>(
  current: T,
  vu: number,
  iteration: number,
): T & { telecom: { system: string; value: string; use: string }[] } {
  return {
    ...current,
    telecom: [
      { system: 'phone', value: `+1-555-${pad(vu % 10000, 4)}-${pad(iteration % 10000, 4)}`, use: 'mobile' },
    ],
  };
}
