/**
 * The population as a stream of units: first each Organization with its Practitioners, then each patient's records.
 * A unit is the grain of seeding, of dirty-mode decisions and of bundle-per-patient output.
 */
import {
  buildOrganization,
  buildPractitioner,
  organizationCount,
  PRACTITIONERS_PER_ORGANIZATION,
} from './build-directory.js';
import type { GeneratedResource } from './generated-resource.js';
import { resolveOptions, type GeneratorOptionsInput } from './options.js';
import { generatePatientRecords, type TimelineOptions } from './patient-timeline.js';
import { Rng, SeedDomain } from './rng.js';

export interface PopulationUnit {
  kind: 'directory' | 'patient';
  index: number;
  resources: GeneratedResource[];
}

export function* populationUnits(options: TimelineOptions): Generator<PopulationUnit> {
  const rng = new Rng();
  const organizations = organizationCount(options.patients);
  for (let org = 0; org < organizations; org += 1) {
    const resources: GeneratedResource[] = [
      buildOrganization(rng.reseed(options.seed, SeedDomain.ORGANIZATION, org), options.seed, org),
    ];
    for (let k = 0; k < PRACTITIONERS_PER_ORGANIZATION; k += 1) {
      const index = org * PRACTITIONERS_PER_ORGANIZATION + k;
      resources.push(
        buildPractitioner(rng.reseed(options.seed, SeedDomain.PRACTITIONER, index), options.seed, index),
      );
    }
    yield { kind: 'directory', index: org, resources };
  }
  for (let patient = 0; patient < options.patients; patient += 1) {
    yield { kind: 'patient', index: patient, resources: generatePatientRecords(rng, options, patient) };
  }
}

/** Every resource of a clean population, in output order (library entry point for tests and load tools). */
export function* generatePopulation(input: GeneratorOptionsInput): Generator<GeneratedResource> {
  const options = resolveOptions(input);
  for (const unit of populationUnits(options)) yield* unit.resources;
}
