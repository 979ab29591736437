/**
 * What one VU does, paper 000's Gatling scenario: log in once (token cached per VU, renewed before expiry), then
 * loop create → retrieve → modify → retrieve of a Patient with think time between steps. The created id is
 * carried through the loop, so every step works on the record this VU just made.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import { check } from 'k6';
import { usernameFor, type LoadConfig } from './config.ts';
import { createRecord, login, readRecord, updateRecord, type Token } from './gateway-client.ts';
import { modifiedPatient } from './patient-builder.ts';
import type { PatientSource } from './payloads.ts';

// Module state is per VU in k6: each VU has its own copy.
let vuToken: Token | undefined;

/** Tokens setup() got, one per user name; k6 hands setup()'s return value to every VU. */
export interface SharedLogins {
  tokens: Record<string, Token>;
}

/** setup(): each of the run's users logs in once (unless LOGIN_PER_VU=true); a failed login is left to the VUs. */
export function loginUsersOnce(config: LoadConfig): SharedLogins {
  const tokens: Record<string, Token> = {};
  if (config.loginPerVu) return { tokens };
  for (let n = 1; n <= config.userCount; n += 1) {
    const username = config.usernamePattern.replace('{n}', String(n));
    const token = login(config, username);
    if (token !== undefined) tokens[username] = token;
  }
  return { tokens };
}

/** The VU's token: the one its user got in setup(), while valid; else its own login. */
export function tokenForThisVu(config: LoadConfig, shared?: SharedLogins): Token | undefined {
  if (vuToken === undefined || Date.now() > vuToken.renewAfterMs) {
    const username = usernameFor(config, exec.vu.idInTest);
    const fromSetup = shared?.tokens[username];
    vuToken =
      fromSetup !== undefined && Date.now() <= fromSetup.renewAfterMs ? fromSetup : login(config, username);
  }
  return vuToken;
}

export function patientRecordLoop(config: LoadConfig, source: PatientSource, shared?: SharedLogins): void {
  const think = (): void => {
    if (config.thinkTimeSeconds > 0) sleep(config.thinkTimeSeconds);
  };
  const token = tokenForThisVu(config, shared);
  if (token === undefined) {
    think();
    return;
  }
  const vu = exec.vu.idInTest;
  const iteration = exec.vu.iterationInInstance;
  const created = createRecord(config, token, source.next(vu, iteration));
  think();
  if (created === undefined) return;
  const read = readRecord(config, token, 'Patient', created.id);
  think();
  if (read === undefined) return;
  const changed = modifiedPatient(read.resource, vu, iteration);
  const modified = updateRecord(config, token, read, { ...changed, resourceType: 'Patient' });
  think();
  if (modified === undefined) return;
  const readBack = readRecord(config, token, 'Patient', created.id);
  check(
    readBack,
    {
      'retrieve: shows the modification': (r) =>
        sortedJson(r?.resource.telecom) === sortedJson(changed.telecom),
    },
    { op: 'retrieve' },
  );
  think();
}

/**
 * JSON with keys sorted at every depth: the ledger stores canonical JSON (keys in byte order), so a record read back
 * has the same content as what was sent, not necessarily the same key order.
 */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
