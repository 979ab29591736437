/**
 * Reads the stderr of a failed `go install` and says which module could not be had and what the module proxy
 * answered, so the user sees "the proxy refused github.com/hyperledger/fabric (403 Forbidden)" instead of 200 lines
 * of Go output. Pure.
 */
export interface ModuleRefusal {
  module: string;
  answer: string;
}

const REFUSAL =
  /(?:^|\s)([\w.\-/]+)@[\w.\-+]+: (?:invalid version: )?reading (https?:\/\/\S+): (\d{3} [A-Za-z ]+)(?:\n\s*server response: (.+))?/m;

export function findModuleRefusal(stderr: string): ModuleRefusal | undefined {
  const match = REFUSAL.exec(stderr);
  if (!match?.[1] || !match[3]) return undefined;
  const serverSays = match[4] !== undefined ? ` — "${match[4].trim()}"` : '';
  return { module: match[1], answer: `${match[3].trim()}${serverSays}` };
}

/** The last lines of a long output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
