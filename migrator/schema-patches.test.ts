import assert from 'node:assert/strict';
import { javaWhitespacePattern, patchR4Schema } from './schema-patches.js';

describe('schema patches: the R4 schema read as the spec means it', () => {
  it('reads \\s and \\S as Java does (ASCII whitespace only), inside and outside classes', () => {
    const string = new RegExp(javaWhitespacePattern('^[ \\r\\n\\t\\S]+$'), 'u');
    assert.ok(string.test('External\u00a0Jugular'));
    assert.ok(
      !new RegExp('^[ \\r\\n\\t\\S]+$', 'u').test('External\u00a0Jugular'),
      'JavaScript alone refuses it',
    );
    assert.ok(!string.test('a\fb'));
    const code = new RegExp(javaWhitespacePattern('^[^\\s]+(\\s[^\\s]+)*$'), 'u');
    assert.ok(code.test('\u00a0'));
    assert.ok(code.test('a b'));
    assert.ok(!code.test('a  b'));
    const uri = new RegExp(javaWhitespacePattern('^\\S*$'), 'u');
    assert.ok(uri.test('http://x/\u2028'));
    assert.ok(!uri.test('http://x/ y'));
    assert.equal(javaWhitespacePattern('^[A-Za-z0-9\\-\\.]{1,64}$'), '^[A-Za-z0-9\\-\\.]{1,64}$');
  });

  it('adds 4.0.1 to FHIRVersion enums and _element siblings to canonical elements', () => {
    const schema = patchR4Schema({
      definitions: {
        StructureDefinition: {
          properties: {
            fhirVersion: { enum: ['3.0.1', '4.0.0'] },
            baseDefinition: { $ref: '#/definitions/canonical' },
            profile: { type: 'array', items: { $ref: '#/definitions/canonical' } },
          },
        },
        ImplementationGuide: { properties: { fhirVersion: { type: 'array', items: { enum: ['4.0.0'] } } } },
      },
    });
    const sd = schema.definitions.StructureDefinition.properties as Record<string, unknown>;
    assert.deepEqual(sd.fhirVersion, { enum: ['3.0.1', '4.0.0', '4.0.1'] });
    assert.deepEqual(sd._baseDefinition, { $ref: '#/definitions/Element' });
    assert.deepEqual(sd._profile, { type: 'array', items: { $ref: '#/definitions/Element' } });
    assert.deepEqual(
      (schema.definitions.ImplementationGuide.properties as Record<string, unknown>).fhirVersion,
      { type: 'array', items: { enum: ['4.0.0', '4.0.1'] } },
    );
  });
});
