/**
 * FHIR Bulk Data layout: one `<Type>.ndjson` per resource type, and in dirty mode `truth/ground-truth.ndjson` naming
 * each damaged line by file and 1-based line number.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GroundTruthEntry } from '../defects/catalogue.js';
import { cleanLine, linesWithDefects, type OutputLine } from '../defects/apply-defects.js';
import { GENERATED_TYPES, type GeneratedType } from '../generated-resource.js';
import type { GeneratorOptions } from '../options.js';
import type { PopulationUnit } from '../population.js';
import { Rng, SeedDomain } from '../rng.js';
import { BufferedFile } from './buffered-file.js';
import type { PopulationSink, SinkSummary } from './sink.js';

/**
 * In a subfolder, so the data set's own file pattern (`*.ndjson` in the folder, what `migrate --input DIR` reads)
 * never takes the answer sheet for records.
 */
export const GROUND_TRUTH_FILE = path.join('truth', 'ground-truth.ndjson');

export class NdjsonSink implements PopulationSink {
  private readonly files = new Map<GeneratedType, BufferedFile>();
  private readonly resources: Record<string, number> = {};
  private readonly groundTruth: BufferedFile | undefined;
  private readonly defectRng = new Rng();
  private defects = 0;

  constructor(
    private readonly directory: string,
    private readonly options: GeneratorOptions,
  ) {
    for (const type of GENERATED_TYPES)
      this.files.set(type, new BufferedFile(path.join(directory, `${type}.ndjson`)));
    if (options.dirtyRate > 0)
      mkdirSync(path.dirname(path.join(directory, GROUND_TRUTH_FILE)), { recursive: true });
    this.groundTruth =
      options.dirtyRate > 0 ? new BufferedFile(path.join(directory, GROUND_TRUTH_FILE)) : undefined;
  }

  async writeUnit(unit: PopulationUnit): Promise<void> {
    for (const resource of unit.resources)
      this.resources[resource.resourceType] = (this.resources[resource.resourceType] ?? 0) + 1;
    const lines =
      this.groundTruth === undefined
        ? unit.resources.map((r) => cleanLine(r, this.options.maxRecordBytes))
        : this.dirtyLines(unit);
    for (const line of lines) this.write(line);
    for (const file of this.files.values()) await file.drainIfFull();
    await this.groundTruth?.drainIfFull();
  }

  private dirtyLines(unit: PopulationUnit): OutputLine[] {
    const domain = unit.kind === 'patient' ? SeedDomain.DEFECT_PATIENT : SeedDomain.DEFECT_SHARED;
    this.defectRng.reseed(this.options.seed, domain, unit.index);
    return linesWithDefects(unit.resources, this.defectRng, this.options);
  }

  private write(line: OutputLine): void {
    const file = this.files.get(line.resourceType);
    if (file === undefined) throw new RangeError(`no output file for ${line.resourceType}`);
    file.writeLine(line.text);
    if (line.truth !== undefined && this.groundTruth !== undefined) {
      const entry: GroundTruthEntry = {
        file: `${line.resourceType}.ndjson`,
        line: file.lines,
        ...line.truth,
      };
      this.groundTruth.writeLine(JSON.stringify(entry));
      this.defects += 1;
    }
  }

  async finish(): Promise<SinkSummary> {
    for (const file of this.files.values()) await file.close();
    await this.groundTruth?.close();
    return {
      files: GENERATED_TYPES.map((type) => ({
        type,
        url: `${type}.ndjson`,
        count: this.files.get(type)?.lines ?? 0,
      })),
      resources: this.resources,
      defects: this.defects,
      ...(this.groundTruth !== undefined ? { groundTruth: GROUND_TRUTH_FILE } : {}),
    };
  }
}
