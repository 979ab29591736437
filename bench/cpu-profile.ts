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
  /** Seconds sampled while the process ran code (idle excluded); percentages are of this. */
  totalSeconds: number;
  top: { where: string; percent: number }[];
  /** Self time per package (node_modules/<name>), per compiled folder of ours, or node's own internals. */
  byArea: { where: string; percent: number }[];
}

/** Self time per function (name, file below the repository or node_modules, line), the largest `limit` first. */
export function topSelfTime(profile: CpuProfile, limit = 25): Omit<ProfileSummary, 'process'> {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id);
    if (frame?.functionName === '(idle)') return;
    total += delta;
    const file = frame === undefined ? '' : shortFile(frame.url);
    const name = frame === undefined ? '?' : frame.functionName || '(anonymous)';
    const where = file === '' ? name : `${name} ${file}:${String((frame?.lineNumber ?? 0) + 1)}`;
    self.set(where, (self.get(where) ?? 0) + delta);
    const area = file === '' ? name : areaOf(file);
    areas.set(area, (areas.get(area) ?? 0) + delta);
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([where, micros]) => ({ where, percent: total === 0 ? 0 : (100 * micros) / total }));
  return { totalSeconds: total / 1e6, top: ranked(self), byArea: ranked(areas) };
}

/** `@grpc/grpc-js/build/src/x.js` → `@grpc/grpc-js`; `network/peer/x.js` → `network/peer`; `node:internal/x` stays. */
function areaOf(file: string): string {
  if (file.startsWith('node:')) return file.split(':').slice(0, 2).join(':');
  const parts = file.split('/');
  if (file.startsWith('@')) return parts.slice(0, 2).join('/');
  if (parts.length > 2) return parts.slice(0, 2).join('/');
  return parts[0] ?? file;
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
