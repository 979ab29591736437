/**
 * The FHIR R4 JSON schema as ajv standalone code, one validate function per resource type. Compiling the whole
 * schema takes seconds, so the generated module is cached on disk (keyed by the schema's and ajv's bytes) and
 * later runs only load it. Outside git: the cache lives under node_modules/.cache/fhirledger unless
 * FHIRLEDGER_CACHE_DIR says otherwise.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { sha256Hex } from '../common/canonical-json.js';
import { RejectCode } from '../common/migration-codes.js';
import { SchemaCompileError } from './errors.js';
import { fhirSchemaPath, type FhirSchema } from './fhir-types.js';
import { patchPatternReviver, patchR4Schema, SCHEMA_PATCH_VERSION } from './schema-patches.js';
import type { Issue } from './issues.js';

const require = createRequire(import.meta.url);

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export type ValidateFunction = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export interface SchemaValidators {
  forType(resourceType: string): ValidateFunction | undefined;
  /** How the validators were obtained and how long it took, for the start-up figures. */
  readonly origin: { cached: boolean; millis: number; file: string };
}

export function defaultCacheDir(): string {
  const fromEnv = process.env.FHIRLEDGER_CACHE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const ajvPackage = require.resolve('ajv/package.json');
  return path.join(path.dirname(path.dirname(ajvPackage)), '.cache', 'fhirledger');
}

function cacheFile(cacheDir: string): string {
  const schemaBytes = readFileSync(fhirSchemaPath());
  const ajvVersion = (
    JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }
  ).version;
  const ajvAt = require.resolve('ajv/package.json');
  const key = sha256Hex(
    Buffer.concat([schemaBytes, Buffer.from(`ajv@${ajvVersion} ${ajvAt} patches@${SCHEMA_PATCH_VERSION}`)]),
  ).slice(0, 16);
  return path.join(cacheDir, `fhir-validator-${key}.cjs`);
}

/** Generates the standalone validator module; returns its source. Takes a couple of seconds. */
export function compileStandalone(): string {
  // ajv is CommonJS; through require its default export keeps its constructor type under NodeNext.
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const { default: standaloneCode } =
    require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
  const draft06 = require('ajv/lib/refs/json-schema-draft-06.json') as object;
  const schema = patchR4Schema(
    JSON.parse(readFileSync(fhirSchemaPath(), 'utf8'), (key, value: unknown) =>
      // Descriptions only make the generated module bigger and slower to load.
      key === 'description' && typeof value === 'string' ? undefined : patchPatternReviver(key, value),
    ) as FhirSchema & { id?: string },
  );
  // The R4 schema is draft-06 and names itself with `id`; ajv 8 wants `$id`.
  const { id: schemaId, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, code: { source: true, esm: false } });
  ajv.addMetaSchema(draft06);
  ajv.addSchema({ ...rest, $id: schemaId ?? 'fhir' }, 'fhir');
  const refs: Record<string, string> = {};
  for (const type of Object.keys(schema.discriminator.mapping)) refs[type] = `fhir#/definitions/${type}`;
  // The module may be cached outside this project (FHIRLEDGER_CACHE_DIR), where `ajv/...` would not resolve:
  // point its runtime requires at this installation's files (the cache key includes that path).
  return standaloneCode(ajv, refs).replace(
    /require\("(ajv\/dist\/runtime\/[^"]+)"\)/g,
    (_match, id: string) => `require(${JSON.stringify(require.resolve(id))})`,
  );
}

/** Loads the cached module, compiling and caching it first when it is missing. */
export function loadSchemaValidators(cacheDir = defaultCacheDir()): SchemaValidators {
  const started = performance.now();
  const file = cacheFile(cacheDir);
  const cached = existsSync(file);
  if (!cached) {
    let source: string;
    try {
      source = compileStandalone();
    } catch (error) {
      throw new SchemaCompileError(`could not compile the FHIR R4 schema with ajv: ${String(error)}`, {
        cause: error,
      });
    }
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, source);
    renameSync(temp, file);
  }
  const validators = require(file) as Record<string, ValidateFunction>;
  const millis = performance.now() - started;
  return {
    forType: (resourceType) =>
      Object.hasOwn(validators, resourceType) ? validators[resourceType] : undefined,
    origin: { cached, millis, file },
  };
}

/** `/name/0/given/1` under Patient → `Patient.name[0].given[1]`. */
export function fhirPath(resourceType: string, instancePath: string): string {
  let out = resourceType;
  for (const segment of instancePath.split('/').slice(1)) {
    const name = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
  }
  return out;
}

function valueAt(resource: unknown, instancePath: string): unknown {
  let current = resource;
  for (const segment of instancePath.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function lastName(pathText: string): string {
  const bare = pathText.replace(/\[\d+\]$/, '');
  return bare.slice(bare.lastIndexOf('.') + 1);
}

/** Turns ajv's errors into R4 issues whose messages say what, where and what was expected. */
export function schemaIssues(
  resource: Record<string, unknown>,
  errors: readonly AjvError[],
  where: string,
  typeForPattern: (pattern: string) => string | undefined,
): Issue[] {
  const type = String(resource.resourceType);
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // oneOf/anyOf/if wrappers repeat what their branches already said.
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const at = fhirPath(type, error.instancePath);
    const value = valueAt(resource, error.instancePath);
    let issue: Issue;
    switch (error.keyword) {
      case 'additionalProperties': {
        const name = String(error.params.additionalProperty);
        const where2 = `${at}.${name}`;
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: where2,
          type: 'structure',
          message: `unknown element "${name}" at ${where2} (${where}); expected an element defined for ${definitionName(error.schemaPath) ?? type}`,
        };
        break;
      }
      case 'required': {
        const name = String(error.params.missingProperty);
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: `${at}.${name}`,
          type: 'required',
          message: `missing required element ${at}.${name} (${where})`,
        };
        break;
      }
      case 'enum': {
        const allowed = (error.params.allowedValues as unknown[]).map(String).join(', ');
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: at,
          type: 'value',
          message: `${lastName(at)} ${JSON.stringify(value)} at ${at} (${where}) is not one of ${allowed}`,
        };
        break;
      }
      case 'type': {
        const expected = definitionName(error.schemaPath) ?? String(error.params.type);
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: at,
          type: 'structure',
          message: `${lastName(at)} ${JSON.stringify(value)} at ${at} (${where}) is not ${article(expected)} ${expected} (JSON ${String(error.params.type)})`,
        };
        break;
      }
      case 'pattern': {
        const expected =
          definitionName(error.schemaPath) ?? typeForPattern(String(error.params.pattern)) ?? 'value';
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: at,
          type: 'value',
          message: `${lastName(at)} ${JSON.stringify(value)} at ${at} (${where}) is not a FHIR ${expected}`,
        };
        break;
      }
      default:
        issue = {
          reason: RejectCode.R4_SCHEMA,
          path: at,
          type: 'invalid',
          message: `${at} (${where}) ${error.message ?? error.keyword}`,
        };
    }
    // One issue per element: a second rule failing on the same value (type and pattern) adds nothing.
    if (!seen.has(issue.path)) {
      seen.add(issue.path);
      issues.push(issue);
    }
  }
  return issues;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** `#/definitions/date/pattern` → `date`; the FHIR type whose rule failed. */
function definitionName(schemaPath: string): string | undefined {
  const match = /#\/definitions\/([^/]+)\/[^/]+$/.exec(schemaPath);
  return match?.[1];
}
