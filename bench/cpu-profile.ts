/**
 * Reads the `.cpuprofile` files node --cpu-prof wrote (CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile) and sums self
 * time per function, so a results page can say where each devnet process spends its CPU.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  process: string;
  totalSeconds: number;
  top: { where: string; percent: number }[];
}

/** Self time per function (name, file below the repository or node_modules, line), the largest `limit` first. */
export function topSelfTime(
  profile: CpuProfile,
  limit = 25,
): { totalSeconds: number; top: ProfileSummary['top'] } {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = frames.get(id);
    const file = frame === undefined ? '' : shortFile(frame.url);
    const where =
      frame === undefined
        ? '?'
        : `${frame.functionName || '(anonymous)'} ${file}${file === '' ? '' : `:${frame.lineNumber + 1}`}`;
    self.set(where, (self.get(where) ?? 0) + delta);
  });
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, micros]) => ({ where, percent: total === 0 ? 0 : (100 * micros) / total }));
  return { totalSeconds: total / 1e6, top };
}

function shortFile(url: string): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** One summary per profile file whose pid is a known devnet process, named after it. */
export function summariseProfiles(dir: string, pidNames: ReadonlyMap<number, string>): ProfileSummary[] {
  const summaries: ProfileSummary[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()) {
    const pid = Number(file.split('.')[3]);
    const name = pidNames.get(pid);
    if (name === undefined) continue;
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    summaries.push({ process: `${name} (${file})`, ...topSelfTime(profile) });
  }
  return summaries;
}
