/**
 * Issue 18's auth cases on the real stack at port offset 27000: fabric-devnet, users enrolled from its CA, the
 * gateway as `fhirledger up` runs it, the real EHR chaincode. The four probes run against one stack (the same code
 * `fhirledger bench faults` runs, one stack per case); then one case runs standalone through its `run(context)`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUTH_CASES, AUTH_PROBES } from './auth-cases.js';
import { countOccurrences, AUTH_USERS, VICTIM_PATIENT_ID } from './auth-fixtures.js';
import { PEER_IDENTITY_CASE_ID } from './auth-peer-identity-case.js';
import { PATIENT_CASE_ID } from './auth-patient-case.js';
import {
  authStackHome,
  readGatewayLog,
  startAuthStack,
  stopAuthStack,
  type AuthStack,
} from './auth-stack.js';
import { TOKEN_CASE_ID } from './auth-token-case.js';
import type { FaultContext, FaultOutcome } from './fault-case.js';

const PORT_OFFSET = 27000;
const log = (line: string): void => {
  process.stderr.write(`      ${line}\n`);
};

function assertHeld(outcome: FaultOutcome): void {
  const failing = Object.entries(outcome.checks).filter(([, holds]) => !holds);
  const observed = (outcome.details?.observed ?? {}) as Record<string, string>;
  assert.deepEqual(
    failing.map(([name]) => `${name}: ${observed[name] ?? ''}`),
    [],
    outcome.happened,
  );
  assert.equal(outcome.phiLeaks, 0, outcome.happened);
  assert.equal(outcome.passed, true, outcome.happened);
  assert.equal(outcome.group, 'auth');
}

describe('issue 18 auth cases on the live stack', function () {
  this.timeout(120_000);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-auth-'));
  const context: FaultContext = { portOffset: PORT_OFFSET, workDir, log };
  let stack: AuthStack | undefined;
  const outcomes = new Map<string, FaultOutcome>();

  before(async function () {
    this.timeout(300_000);
    stack = await startAuthStack(context);
  });
  after(async function () {
    this.timeout(60_000);
    // Also when the stack came up only half-way (before() threw): whatever was started is stopped.
    await stopAuthStack({ home: authStackHome(workDir) });
    rmSync(workDir, { recursive: true, force: true });
  });
  const live = (): AuthStack => {
    if (stack === undefined) throw new Error('the stack did not come up');
    return stack;
  };

  it('the PHI check can fail: the victim’s own data holds the markers, and the log records requests', async () => {
    const provider = await live().login(AUTH_USERS.provider);
    const read = await live().send({
      method: 'GET',
      path: `/fhir/Patient/${VICTIM_PATIENT_ID}`,
      token: provider,
    });
    assert.equal(read.status, 200, read.body);
    // Every marker except the Observation notes is in the Patient record the provider may read.
    assert.ok(countOccurrences(read.body, live().fixtures.phi) >= 8, read.body);
    assert.match(readGatewayLog(live()), /"msg":"request"/);
  });

  for (const probe of AUTH_PROBES) {
    it(`${probe.id}: every refusal as documented, nothing written, no PHI`, async () => {
      const outcome = await probe.probe(live());
      outcomes.set(probe.id, outcome);
      log(outcome.happened);
      log(
        `PHI in the devnet nodes' logs (on the record): ${JSON.stringify(outcome.details?.phiInDevnetLogs)}`,
      );
      assertHeld(outcome);
    });
  }

  it('the outcomes carry the observed facts, not only verdicts', () => {
    const observed = (id: string): Record<string, string> => {
      const outcome = outcomes.get(id);
      assert.ok(outcome, `${id} ran`);
      return (outcome.details?.observed ?? {}) as Record<string, string>;
    };
    const tokens = observed(TOKEN_CASE_ID);
    assert.equal(
      tokens['alg none: provider claims, empty signature → write'],
      '401 GW_INVALID_TOKEN (Bearer realm="fhirledger", error="invalid_token")',
    );
    const patient = observed(PATIENT_CASE_ID);
    assert.equal(patient['gateway: read the victim’s Patient'], '403 CC_ERR_FORBIDDEN');
    assert.equal(patient['chaincode: ReadRecord of the victim’s Patient'], 'CC_ERR_FORBIDDEN');
    const peer = Object.values(observed(PEER_IDENTITY_CASE_ID));
    assert.ok(
      peer.some((text) => text.includes(`access denied: channel [${live().channel}] creator org [Org1MSP]`)),
      peer.join('\n'),
    );
  });

  it('a case also runs standalone through run(context): its own stack up, attacked, down', async function () {
    this.timeout(300_000);
    if (stack !== undefined) await stopAuthStack(stack);
    stack = undefined;
    const standalone = AUTH_CASES.find((entry) => entry.id === PEER_IDENTITY_CASE_ID);
    assert.ok(standalone);
    const ownDir = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-auth-case-'));
    try {
      const outcome = await standalone.run({ portOffset: PORT_OFFSET, workDir: ownDir, log });
      assertHeld(outcome);
      assert.equal(existsSync(authStackHome(ownDir)), false, 'the case took its stack down (purged)');
    } finally {
      rmSync(ownDir, { recursive: true, force: true });
    }
    assert.deepEqual(
      AUTH_CASES.map((entry) => [entry.id, entry.group]),
      AUTH_PROBES.map((probe) => [probe.id, 'auth']),
    );
  });
});
