/**
 * Bundle output. `bundle-per-patient`: `Bundle.ndjson`, one Bundle per line — one per Organization with its
 * Practitioners, then one per patient. `bundle`: `Bundle.json`, a single Bundle with every resource, streamed
 * entry by entry (one entry per line) so its size is bounded by disk, not memory.
 */
import path from 'node:path';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { fhirDateTime } from '../fhir-time.js';
import type { GeneratedResource } from '../generated-resource.js';
import type { GeneratorOptions } from '../options.js';
import type { PopulationUnit } from '../population.js';
import type { SyntheaReferences } from '../reference-style.js';
import { BufferedFile } from './buffered-file.js';
import type { PopulationSink, SinkSummary } from './sink.js';

/** Base of every entry's fullUrl; relative references inside resources resolve against it. */
export const FULL_URL_BASE = 'https://fhirledger.example/fhir/';

export function bundleEntry(
  resource: GeneratedResource,
  bundleType: GeneratorOptions['bundleType'],
): BundleEntry {
  const key = `${resource.resourceType}/${resource.id ?? ''}`;
  const entry: BundleEntry = { fullUrl: `${FULL_URL_BASE}${key}`, resource };
  // PUT keeps the generated ids, so references between entries hold without urn:uuid rewriting.
  if (bundleType === 'transaction') entry.request = { method: 'PUT', url: key };
  return entry;
}

abstract class CountingSink {
  protected readonly resources: Record<string, number> = {};
  protected count(unit: PopulationUnit): void {
    for (const r of unit.resources)
      this.resources[r.resourceType] = (this.resources[r.resourceType] ?? 0) + 1;
  }
}

export class BundlePerPatientSink extends CountingSink implements PopulationSink {
  private readonly file: BufferedFile;

  constructor(
    directory: string,
    private readonly options: GeneratorOptions,
    private readonly synthea?: SyntheaReferences,
  ) {
    super();
    this.file = new BufferedFile(path.join(directory, 'Bundle.ndjson'));
  }

  async writeUnit(unit: PopulationUnit): Promise<void> {
    this.count(unit);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      id: `s${this.options.seed}-${unit.kind === 'patient' ? 'p' : 'org'}${unit.index}-bundle`,
      type: this.options.bundleType,
      timestamp: fhirDateTime(this.options.referenceMs),
      entry: unit.resources.map((r) =>
        this.synthea === undefined
          ? bundleEntry(r, this.options.bundleType)
          : this.synthea.entry(r, this.options.bundleType),
      ),
    };
    this.file.writeLine(JSON.stringify(bundle));
    await this.file.drainIfFull();
  }

  async finish(): Promise<SinkSummary> {
    await this.file.close();
    return {
      files: [{ type: 'Bundle', url: 'Bundle.ndjson', count: this.file.lines }],
      resources: this.resources,
      defects: 0,
    };
  }
}

export class SingleBundleSink extends CountingSink implements PopulationSink {
  private readonly file: BufferedFile;
  private first = true;

  constructor(
    directory: string,
    private readonly options: GeneratorOptions,
    private readonly synthea?: SyntheaReferences,
  ) {
    super();
    this.file = new BufferedFile(path.join(directory, 'Bundle.json'));
    const header = {
      resourceType: 'Bundle',
      id: `s${options.seed}-population`,
      type: options.bundleType,
      timestamp: fhirDateTime(options.referenceMs),
    };
    this.file.writeRaw(`${JSON.stringify(header).slice(0, -1)},"entry":[\n`);
  }

  async writeUnit(unit: PopulationUnit): Promise<void> {
    this.count(unit);
    for (const resource of unit.resources) {
      this.file.writeRaw(this.first ? '' : ',\n');
      const entry =
        this.synthea === undefined
          ? bundleEntry(resource, this.options.bundleType)
          : this.synthea.entry(resource, this.options.bundleType);
      this.file.writeRaw(JSON.stringify(entry));
      this.first = false;
    }
    await this.file.drainIfFull();
  }

  async finish(): Promise<SinkSummary> {
    this.file.writeRaw('\n]}\n');
    await this.file.close();
    return {
      files: [{ type: 'Bundle', url: 'Bundle.json', count: 1 }],
      resources: this.resources,
      defects: 0,
    };
  }
}
