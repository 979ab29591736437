/**
 * Issue 18's process group: kill -9 and restart, one at a time, each process of the stack — during a k6 load
 * through the gateway, and during a live migration — plus one of the paper profile's three orderers under load.
 * Each case is one bounded run on a network of its own (load-fault-case.ts, migration-fault-case.ts,
 * paper-orderer-case.ts).
 */
import type { FaultCase } from './fault-case.js';
import { loadFaultCase } from './load-fault-case.js';
import { migrationFaultCase } from './migration-fault-case.js';
import { PAPER_ORDERER_CASE } from './paper-orderer-case.js';

const UNDER_LOAD =
  'SIGKILLed 10 s into a 30 s k6 smoke load (3 VUs through the gateway), restarted 3 s later';
const UNDER_MIGRATION =
  'SIGKILLed once 6 batches of a live migration (≈ 5,000 generated records, 5 % defects) had committed, restarted 3 s later; a stopped run resumed';

export const PROCESS_CASES: readonly FaultCase[] = [
  loadFaultCase({
    id: 'peer-kill-during-load',
    node: 'peer0.org1.example.com',
    summary: `the peer ${UNDER_LOAD}`,
    expectation: 'retryable',
  }),
  loadFaultCase({
    id: 'orderer-kill-during-load',
    node: 'orderer.example.com',
    summary: `the orderer ${UNDER_LOAD}`,
    expectation: 'retryable',
  }),
  loadFaultCase({
    id: 'chaincode-kill-during-load',
    node: 'chaincode-ehr',
    summary: `the chaincode server ${UNDER_LOAD}`,
    expectation: 'retryable',
  }),
  loadFaultCase({
    id: 'ca-kill-during-load',
    node: 'ca.org1.example.com',
    summary: `the Fabric CA ${UNDER_LOAD}; a fabric-ca-client enrolment tried while it was down and after`,
    expectation: 'untouched',
  }),
  loadFaultCase({
    id: 'gateway-kill-during-load',
    node: 'fhir-gateway',
    summary: `the FHIR gateway ${UNDER_LOAD} by \`fhirledger up\``,
    expectation: 'refused',
  }),
  migrationFaultCase({
    id: 'peer-kill-during-migration',
    node: 'peer0.org1.example.com',
    summary: `the peer ${UNDER_MIGRATION}; then migrate verify`,
    expectation: 'disrupted',
  }),
  migrationFaultCase({
    id: 'orderer-kill-during-migration',
    node: 'orderer.example.com',
    summary: `the orderer ${UNDER_MIGRATION}; then migrate verify`,
    expectation: 'disrupted',
  }),
  migrationFaultCase({
    id: 'chaincode-kill-during-migration',
    node: 'chaincode-ehr',
    summary: `the chaincode server ${UNDER_MIGRATION}; then migrate verify`,
    expectation: 'disrupted',
  }),
  migrationFaultCase({
    id: 'ca-kill-during-migration',
    node: 'ca.org1.example.com',
    summary: `the Fabric CA ${UNDER_MIGRATION}; a fabric-ca-client enrolment tried while it was down and after; then migrate verify`,
    expectation: 'untouched',
  }),
  PAPER_ORDERER_CASE,
];

/** What the page says about the process group beyond its cases. */
export const PROCESS_NOTES: readonly string[] = [
  'No gateway kill during a migration: the migrator talks to the peer through its own Fabric identity, not through the FHIR gateway, so there is nothing of the migration to kill there.',
  'Recovery is measured from the restart (`network start`, or `fhirledger up` for the gateway) to the first success: a write through the gateway started after the restart (any request for the gateway), a committed migration batch, a fabric-ca-client enrolment for the CA, and for the paper orderer the restarted orderer reaching the height the other two had.',
];
