/** Parses `go version` output ("go version go1.26.8 linux/amd64") into comparable numbers. Pure. */
export interface GoVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseGoVersion(output: string): GoVersion | undefined {
  const match = /\bgo(\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

export function isAtLeast(version: GoVersion, minimum: GoVersion): boolean {
  if (version.major !== minimum.major) return version.major > minimum.major;
  if (version.minor !== minimum.minor) return version.minor > minimum.minor;
  return version.patch >= minimum.patch;
}

export function formatGoVersion(version: GoVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}
