/**
 * Pre-warms the validator cache: compiles the FHIR R4 schema into ajv standalone code once (a few seconds), so the
 * first `fhirledger migrate` starts fast. Running migrate does the same lazily; this is for images and CI.
 *
 *   node .build/NAME/migrator/compile-schema.js      (FHIRLEDGER_CACHE_DIR overrides the cache folder)
 */
import { loadSchemaValidators } from './schema-validator.js';

const { origin } = loadSchemaValidators();
process.stdout.write(
  `${origin.cached ? 'already cached' : 'compiled'}: ${origin.file} (${Math.round(origin.millis)} ms)\n`,
);
