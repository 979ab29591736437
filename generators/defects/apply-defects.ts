/**
 * Turns one population unit into output lines. With probability `dirtyRate` a record gets one defect, chosen among
 * the classes that apply to it (weighted), from a random stream separate from the clean content's, so dirty output is
 * the clean output plus damage and every undamaged line is byte-identical to the clean run's.
 */
import { CleanRecordTooLargeError } from '../errors.js';
import type { GeneratedResource, GeneratedType } from '../generated-resource.js';
import type { Rng } from '../rng.js';
import { EXPECTED_OUTCOMES, type GroundTruthEntry } from './catalogue.js';
import { INJECTORS, type DefectInjector } from './injectors.js';
import { formatPath } from './paths.js';
import { FixCode } from '../../common/migration-codes.js';

export interface OutputLine {
  resourceType: GeneratedType;
  text: string;
  truth?: Omit<GroundTruthEntry, 'file' | 'line'>;
}

export interface DefectOptions {
  dirtyRate: number;
  maxRecordBytes: number;
}

export function cleanLine(resource: GeneratedResource, maxRecordBytes: number): OutputLine {
  const text = JSON.stringify(resource);
  // A UTF-8 byte is at least one UTF-16 unit and at most three, so most lines need no byte count at all.
  if (text.length * 3 > maxRecordBytes) {
    const bytes = Buffer.byteLength(text);
    if (bytes > maxRecordBytes)
      throw new CleanRecordTooLargeError(
        `${resource.resourceType}/${resource.id ?? ''}`,
        bytes,
        maxRecordBytes,
      );
  }
  return { resourceType: resource.resourceType, text };
}

export function linesWithDefects(
  resources: readonly GeneratedResource[],
  rng: Rng,
  options: DefectOptions,
): OutputLine[] {
  const lines: OutputLine[] = [];
  for (const resource of resources) {
    const clean = cleanLine(resource, options.maxRecordBytes);
    if (!rng.chance(options.dirtyRate)) {
      lines.push(clean);
      continue;
    }
    lines.push(...damage(resource, clean, rng, options));
  }
  return lines;
}

function damage(
  resource: GeneratedResource,
  clean: OutputLine,
  rng: Rng,
  options: DefectOptions,
): OutputLine[] {
  const draft = (): GeneratedResource & Record<string, unknown> =>
    JSON.parse(clean.text) as GeneratedResource & Record<string, unknown>;
  const probe = draft();
  const applicable = INJECTORS.map((injector) => ({
    injector,
    candidates: injector.candidates(probe),
  })).filter((entry) => entry.candidates.length > 0);
  const chosen = pickWeighted(rng, applicable);
  const candidate = rng.pick(chosen.candidates);
  const injection = chosen.injector.inject(draft(), candidate, rng, {
    cleanText: clean.text,
    maxRecordBytes: options.maxRecordBytes,
  });
  const defect = chosen.injector.defect;
  const truth: OutputLine['truth'] = {
    resourceType: resource.resourceType,
    id: resource.id ?? '',
    defect,
    variant: injection.variant,
    ...(injection.path !== undefined && injection.path.length > 0
      ? { location: formatPath(resource.resourceType, injection.path) }
      : {}),
    ...(injection.reportValue ? { value: injection.value } : {}),
    expected: EXPECTED_OUTCOMES[defect],
    ...(defect === 'ambiguous-date'
      ? {
          withDateOrder: {
            order: 'MDY' as const,
            expected: { outcome: 'accept-after-fix' as const, fixes: [FixCode.C4_DATE_FORMAT] },
          },
        }
      : {}),
  };
  const damaged: OutputLine = { resourceType: resource.resourceType, text: injection.text, truth };
  return injection.keepClean ? [clean, damaged] : [damaged];
}

function pickWeighted<T extends { injector: DefectInjector }>(rng: Rng, entries: readonly T[]): T {
  const total = entries.reduce((sum, entry) => sum + entry.injector.weight, 0);
  let point = rng.next() * total;
  for (const entry of entries) {
    point -= entry.injector.weight;
    if (point < 0) return entry;
  }
  const last = entries[entries.length - 1];
  if (last === undefined) throw new RangeError('no defect class applies');
  return last;
}
