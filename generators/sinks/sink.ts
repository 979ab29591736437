import type { PopulationUnit } from '../population.js';

/** Where a population goes. Units arrive in order; `finish` closes files and writes the manifest. */
export interface PopulationSink {
  writeUnit(unit: PopulationUnit): Promise<void>;
  finish(): Promise<SinkSummary>;
}

export interface OutputFile {
  type: string;
  url: string;
  count: number;
}

export interface SinkSummary {
  files: OutputFile[];
  resources: Record<string, number>;
  defects: number;
  groundTruth?: string;
}
