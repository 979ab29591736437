/**
 * The k6 scenario name of a Caliper round (`open_250tps`): made by profiles.ts's caliperRounds, read back by the
 * runner's Caliper table to credit k6's per-scenario counts (dropped iterations) to their round. It imports nothing,
 * so k6 (which strips the types) and tsc for Node can both load it.
 */
export function caliperScenarioName(op: string, rateTps: number): string {
  return `${op}_${rateTps}tps`;
}

/** The op and rate a scenario name stands for; undefined for a scenario that is not a Caliper round. */
export function parseCaliperScenarioName(name: string): { op: string; rateTps: number } | undefined {
  const round = /^([a-z]+)_(\d+)tps$/.exec(name);
  return round === null ? undefined : { op: round[1] ?? '', rateTps: Number(round[2]) };
}
