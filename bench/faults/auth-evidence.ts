/**
 * What an auth case saw, turned into its FaultOutcome: one check per attack (status, error code, challenge, as
 * observed), the PHI strings found in every answer and in the gateway's log, and a summary of the answers. The
 * verdict is only ever the conjunction of observed checks and a zero leak count.
 */
import type { FaultOutcome } from './fault-case.js';
import { countOccurrences } from './auth-fixtures.js';
import type { FabricAnswer } from './auth-fabric-direct.js';
import type { HttpAnswer } from './auth-stack.js';

export interface HttpExpectation {
  /** Accepted statuses (several where the gateway may refuse at two layers, e.g. 400 or 404 for a bad path). */
  status: number | readonly number[];
  /** Accepted `OperationOutcome` codes (urn:fhirledger:error-code); absent: the body is not checked for one. */
  code?: string | readonly string[];
  /** Exact WWW-Authenticate value expected. */
  challenge?: string;
}

export const INVALID_TOKEN_CHALLENGE = 'Bearer realm="fhirledger", error="invalid_token"';

export function outcomeCodeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as {
      resourceType?: unknown;
      issue?: { details?: { coding?: { code?: unknown }[] } }[];
    };
    if (parsed.resourceType !== 'OperationOutcome') return undefined;
    const code = parsed.issue?.[0]?.details?.coding?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

const asList = <T>(value: T | readonly T[]): readonly T[] =>
  Array.isArray(value) ? (value as readonly T[]) : [value as T];

export class AuthEvidence {
  readonly checks: Record<string, boolean> = {};
  /** Per attack: what came back, e.g. `403 CC_ERR_FORBIDDEN`. */
  readonly observed: Record<string, string> = {};
  private readonly httpSeen: string[] = [];
  private readonly fabricSeen: string[] = [];
  private responseLeaks = 0;
  private readonly leakingAttacks: string[] = [];

  /** `phi`: strings the attacker must never receive. */
  constructor(private readonly phi: readonly string[]) {}

  check(name: string, holds: boolean, observed?: string): boolean {
    this.checks[name] = holds;
    if (observed !== undefined) this.observed[name] = observed;
    return holds;
  }

  /** Counts PHI in anything the attacker received (an HTTP body, a Fabric error text, a query result). */
  received(name: string, text: string): number {
    const leaks = countOccurrences(text, this.phi);
    if (leaks > 0) {
      this.responseLeaks += leaks;
      this.leakingAttacks.push(name);
    }
    return leaks;
  }

  /** One HTTP attack: status, code and challenge as expected, and no PHI in the body. */
  answer(name: string, answer: HttpAnswer, expected: HttpExpectation): boolean {
    const code = outcomeCodeOf(answer.body);
    const challenge = answer.headers.get('www-authenticate') ?? undefined;
    this.received(name, answer.body);
    const holds =
      asList(expected.status).includes(answer.status) &&
      (expected.code === undefined || (code !== undefined && asList(expected.code).includes(code))) &&
      (expected.challenge === undefined || challenge === expected.challenge);
    const seen = [String(answer.status), code, challenge === undefined ? undefined : `(${challenge})`];
    this.httpSeen.push([String(answer.status), code].filter((part) => part !== undefined).join(' '));
    return this.check(name, holds, seen.filter((part) => part !== undefined).join(' '));
  }

  /** One call straight at the peer: `holds` decided by the case; PHI counted in the result or error text. */
  fabric(name: string, answer: FabricAnswer, holds: boolean): boolean {
    this.received(name, answer.text);
    const short = answer.ok
      ? 'ok'
      : (/CC_ERR_[A-Z_]+/.exec(answer.text)?.[0] ??
        /access denied: channel \[[^\]]*\] creator org (\[[^\]]*\]|unknown)/.exec(answer.text)?.[0] ??
        answer.text.slice(0, 160));
    this.fabricSeen.push(short);
    return this.check(name, holds, short);
  }

  failing(): string[] {
    return Object.entries(this.checks)
      .filter(([, holds]) => !holds)
      .map(([name]) => name);
  }

  /** e.g. `12 × 401 GW_INVALID_TOKEN, 2 × 200`. */
  private static tally(seen: readonly string[]): string {
    const counts = new Map<string, number>();
    for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([key, count]) => `${count} × ${key}`)
      .join(', ');
  }

  /**
   * The case's outcome. `logs.gateway` is the gateway's whole log, searched for the PHI and for `logOnly` strings
   * (record ids: the log promises route templates, never ids); `logs.devnet` are the nodes' logs.
   */
  outcome(
    base: Pick<FaultOutcome, 'id' | 'done'> & { summary: string },
    logs: { gateway: string; devnet?: Readonly<Record<string, string>> },
    logOnly: readonly string[],
    details: Record<string, unknown> = {},
  ): FaultOutcome {
    const logText = logs.gateway;
    const devnetLogs = logs.devnet ?? {};
    const logLeaks = countOccurrences(logText, [...this.phi, ...logOnly]);
    // The brief's promise is about the gateway's log; the nodes' logs are counted for the record (PHI only).
    const phiInDevnetLogs = Object.fromEntries(
      Object.entries(devnetLogs).map(([name, text]) => [name, countOccurrences(text, this.phi)]),
    );
    const phiLeaks = this.responseLeaks + logLeaks;
    const failing = this.failing();
    const passed = failing.length === 0 && phiLeaks === 0;
    const happened =
      base.summary +
      (this.httpSeen.length > 0 ? ` Gateway answers: ${AuthEvidence.tally(this.httpSeen)}.` : '') +
      (this.fabricSeen.length > 0 ? ` Peer answers: ${AuthEvidence.tally(this.fabricSeen)}.` : '') +
      ` PHI found: ${this.responseLeaks} in what the attacker received` +
      `${this.leakingAttacks.length > 0 ? ` (${this.leakingAttacks.slice(0, 5).join('; ')})` : ''}, ${logLeaks} in ` +
      `the gateway log (${logText.split('\n').length - 1} lines).` +
      (failing.length > 0 ? ` Failing checks: ${failing.slice(0, 8).join('; ')}.` : '');
    return {
      id: base.id,
      group: 'auth',
      done: base.done,
      happened,
      passed,
      checks: { ...this.checks, 'no PHI in answers or the gateway log': phiLeaks === 0 },
      phiLeaks,
      details: {
        ...details,
        observed: this.observed,
        phiInAnswers: this.responseLeaks,
        phiInGatewayLog: logLeaks,
        phiInDevnetLogs,
      },
    };
  }
}
