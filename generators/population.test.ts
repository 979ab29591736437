import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, Observation, Patient } from 'fhir/r4.js';
import { isFhirId } from '../common/fhir-resource.js';
import { schemaError } from './fhir-schema.testkit.js';
import { DefectDetector } from './defect-detector.testkit.js';
import type { GeneratedResource } from './generated-resource.js';
import { buildObservation, buildPatient, generatePopulation, writePopulation } from './index.js';

function collectReferences(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const item of value) collectReferences(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.push(child);
      else collectReferences(child, out);
    }
  }
}

describe('generators: clean population', function () {
  this.timeout(60_000);
  const resources: GeneratedResource[] = [...generatePopulation({ patients: 80, seed: 7 })];

  it('is a few thousand resources of every generated type', () => {
    assert.ok(resources.length > 3000, `only ${resources.length} resources`);
    const types = new Set(resources.map((r) => r.resourceType));
    for (const type of [
      'Organization',
      'Practitioner',
      'Patient',
      'Encounter',
      'Observation',
      'Condition',
      'MedicationRequest',
      'AllergyIntolerance',
      'Immunization',
      'Procedure',
      'DiagnosticReport',
    ]) {
      assert.ok(types.has(type as GeneratedResource['resourceType']), `no ${type}`);
    }
  });

  it('validates every resource against the FHIR R4 JSON schema', () => {
    for (const resource of resources) {
      assert.equal(schemaError(resource), undefined, `${resource.resourceType}/${resource.id ?? ''}`);
    }
  });

  it('has unique FHIR ids and every reference resolves inside the population', () => {
    const keys = new Set<string>();
    for (const r of resources) {
      assert.ok(isFhirId(r.id), `bad id ${String(r.id)}`);
      const key = `${r.resourceType}/${r.id ?? ''}`;
      assert.ok(!keys.has(key), `duplicate ${key}`);
      keys.add(key);
    }
    const references: string[] = [];
    collectReferences(resources, references);
    assert.ok(references.length > resources.length);
    for (const reference of references) assert.ok(keys.has(reference), `dangling ${reference}`);
  });

  it('has no line the defect detector would flag', () => {
    const detector = new DefectDetector(1_048_576);
    for (const r of resources)
      assert.deepEqual(detector.detect(JSON.stringify(r)), [], `${r.resourceType}/${r.id ?? ''}`);
  });

  it('writes plausible vitals: children shorter than adults, values in physiological ranges', () => {
    const patients = new Map(
      resources.filter((r): r is Patient => r.resourceType === 'Patient').map((p) => [p.id, p]),
    );
    const observations = resources.filter((r): r is Observation => r.resourceType === 'Observation');
    let checked = 0;
    for (const o of observations) {
      const code = o.code.coding?.[0]?.code;
      const value = o.valueQuantity?.value;
      const patient = patients.get(o.subject?.reference?.split('/')[1]);
      if (value === undefined || patient?.birthDate === undefined || o.effectiveDateTime === undefined)
        continue;
      const age = (Date.parse(o.effectiveDateTime) - Date.parse(patient.birthDate)) / (365.25 * 86_400_000);
      assert.ok(age >= 0, `observation before birth: ${o.id ?? ''}`);
      if (code === '8302-2')
        assert.ok(age < 2 ? value < 95 : value > 80 && value < 205, `height ${value} at age ${age}`);
      if (code === '8867-4') assert.ok(value >= 55 && value <= 160, `heart rate ${value}`);
      if (code === '8310-5') assert.ok(value >= 36 && value <= 38, `temperature ${value}`);
      if (code === '718-7')
        assert.ok(
          patient.gender === 'male' ? value >= 13.5 : value <= 15.5,
          `hemoglobin ${value} ${patient.gender ?? ''}`,
        );
      checked += 1;
    }
    assert.ok(checked > 1000);
  });

  it('builds single seeded payloads for load tests', () => {
    const patient = buildPatient(3);
    assert.deepEqual(buildPatient(3), patient);
    assert.notDeepEqual(buildPatient(4), patient);
    assert.equal(schemaError(patient), undefined);
    const observation = buildObservation(5, 'abc');
    assert.equal(observation.subject?.reference, 'Patient/abc');
    assert.equal(schemaError(observation), undefined);
  });

  for (const [format, file] of [
    ['bundle-per-patient', 'Bundle.ndjson'],
    ['bundle', 'Bundle.json'],
  ] as const) {
    it(`writes ${format} output whose Bundles validate and hold every resource`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-bundle-'));
      try {
        const summary = await writePopulation(dir, {
          patients: 12,
          seed: 7,
          format,
          bundleType: 'transaction',
        });
        const text = await readFile(path.join(dir, file), 'utf8');
        const bundles = (
          format === 'bundle'
            ? [JSON.parse(text)]
            : text
                .trimEnd()
                .split('\n')
                .map((l) => JSON.parse(l) as Bundle)
        ) as Bundle[];
        assert.equal(bundles.length, format === 'bundle' ? 1 : 13);
        let entries = 0;
        for (const bundle of bundles) {
          assert.equal(schemaError(bundle), undefined);
          for (const entry of bundle.entry ?? []) {
            assert.equal(
              entry.request?.url,
              `${entry.resource?.resourceType ?? ''}/${entry.resource?.id ?? ''}`,
            );
            entries += 1;
          }
        }
        assert.equal(entries, summary.totalResources);
        const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
          output: { url: string }[];
        };
        assert.deepEqual(
          manifest.output.map((o) => o.url),
          [file],
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
