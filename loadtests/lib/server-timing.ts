/**
 * Parses the gateway's `Server-Timing: endorse;dur=12.3, submit;dur=4.5, commit;dur=800.1` into milliseconds per
 * phase, so Fabric latency can be split by phase. Unknown parameters are ignored; a malformed entry is skipped
 * rather than failing the request, because timing is diagnostic, not the contract under test.
 */
export function parseServerTiming(header: string | undefined): Record<string, number> {
  const phases: Record<string, number> = {};
  if (header === undefined || header === '') return phases;
  for (const entry of header.split(',')) {
    const [rawName, ...params] = entry.split(';');
    const name = rawName?.trim() ?? '';
    if (name === '') continue;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim() !== 'dur' || value === undefined) continue;
      const ms = Number(value.trim().replace(/^"|"$/g, ''));
      if (Number.isFinite(ms)) phases[name] = ms;
    }
  }
  return phases;
}
