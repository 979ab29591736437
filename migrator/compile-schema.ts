/**
 * Pre-warms the validator cache: compiles the FHIR R4 schema into ajv standalone code once (a few seconds), and
 * derives the required-elements table from the R4 StructureDefinitions (about a second), so the first
 * `fhirledger migrate` starts fast. Running migrate does the same lazily; this is for images and CI.
 *
 *   node .build/NAME/migrator/compile-schema.js      (FHIRLEDGER_CACHE_DIR overrides the cache folder)
 */
import { FhirTypeIndex, loadFhirSchema } from './fhir-types.js';
import { loadRequiredTable } from './required-elements.js';
import { loadSchemaValidators } from './schema-validator.js';

const { origin } = loadSchemaValidators();
process.stdout.write(
  `${origin.cached ? 'already cached' : 'compiled'}: ${origin.file} (${Math.round(origin.millis)} ms)\n`,
);
const started = performance.now();
const table = loadRequiredTable(new FhirTypeIndex(loadFhirSchema()));
process.stdout.write(
  `required elements: ${Object.keys(table).length} types (${Math.round(performance.now() - started)} ms)\n`,
);
