/**
 * Caliper workload module for the EHR chaincode (`ehr`, default contract), run by Caliper's workers with the
 * peer-gateway connector. One module, three operations chosen per round by `arguments.op`, named as in paper 002 and
 * the k6 `caliper` scenario:
 *   open     — CreateRecords with a JSON array of `batchSize` new Patients (a submit: endorse, order, commit)
 *   query    — ReadRecord(Patient, id) on a pool of Patients (an evaluate)
 *   transfer — UpdatePatientAddress(id, address) on a pool Patient (a submit that reads and rewrites the record)
 * query and transfer work on `poolSize` Patients each worker creates in initializeWorkloadModule, before Caliper
 * starts counting. Every transaction's timing and outcome also goes to `samplesDir` (one JSON file per worker and
 * round) so the runner can report percentiles, which Caliper's own report does not have, and check that every
 * CreateRecords item was really created.
 *
 * CommonJS with no require of @hyperledger/caliper-core: Caliper requires this file from a workspace outside its
 * own install, where caliper-core does not resolve; the worker only calls the three methods below.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const OPS = ['open', 'query', 'transfer'];
const POOL_BATCH = 100;

class EhrWorkload {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter) {
    const args = roundArguments || {};
    if (!OPS.includes(args.op)) {
      throw new Error(`workload argument op ${JSON.stringify(args.op)} is not one of ${OPS.join(', ')}`);
    }
    this.op = args.op;
    this.sutAdapter = sutAdapter;
    this.contractId = args.contractId || 'ehr';
    this.invokerIdentity = args.invokerIdentity;
    this.batchSize = positiveInteger(args.batchSize, 1, 'batchSize');
    this.poolSize = positiveInteger(args.poolSize, 100, 'poolSize');
    this.samplesDir = args.samplesDir;
    this.prefix = `cal-${args.runId || Date.now().toString(36)}-r${roundIndex}-w${workerIndex}`;
    this.workerIndex = workerIndex;
    this.roundIndex = roundIndex;
    this.sent = 0;
    this.samples = [];
    this.inFlight = new Set();
    if (this.op !== 'open') await this.createPool();
  }

  async submitTransaction() {
    const n = this.sent;
    this.sent += 1;
    const request = this.requestFor(n);
    const pending = this.sutAdapter.sendRequests(request).then((status) => this.record(status, request));
    this.inFlight.add(pending);
    try {
      await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  async cleanupWorkloadModule() {
    await Promise.allSettled([...this.inFlight]);
    if (!this.samplesDir) return;
    fs.mkdirSync(this.samplesDir, { recursive: true });
    const file = path.join(this.samplesDir, `round-${this.roundIndex}-worker-${this.workerIndex}.json`);
    const body = {
      op: this.op,
      roundIndex: this.roundIndex,
      workerIndex: this.workerIndex,
      samples: this.samples,
    };
    fs.writeFileSync(file, `${JSON.stringify(body)}\n`);
  }

  requestFor(n) {
    const base = { contractId: this.contractId, invokerIdentity: this.invokerIdentity, readOnly: false };
    if (this.op === 'open') {
      const batch = [];
      for (let i = 0; i < this.batchSize; i += 1) batch.push(patient(`${this.prefix}-o${n}-${i}`, n + i));
      return { ...base, contractFunction: 'CreateRecords', contractArguments: [JSON.stringify(batch)] };
    }
    const id = this.poolId(n % this.poolSize);
    if (this.op === 'query') {
      return { ...base, contractFunction: 'ReadRecord', contractArguments: ['Patient', id], readOnly: true };
    }
    const address = [
      { use: 'home', line: [`${n} Caliper Street`], city: 'Benchville', postalCode: String(10000 + n) },
    ];
    return {
      ...base,
      contractFunction: 'UpdatePatientAddress',
      contractArguments: [id, JSON.stringify(address)],
    };
  }

  poolId(i) {
    return `${this.prefix}-p${i}`;
  }

  async createPool() {
    for (let start = 0; start < this.poolSize; start += POOL_BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(start + POOL_BATCH, this.poolSize); i += 1)
        batch.push(patient(this.poolId(i), i));
      const status = await this.sutAdapter.sendRequests({
        contractId: this.contractId,
        invokerIdentity: this.invokerIdentity,
        contractFunction: 'CreateRecords',
        contractArguments: [JSON.stringify(batch)],
        readOnly: false,
      });
      const problem =
        status.GetStatus() === 'success' ? batchProblem(status.GetResult(), batch.length) : 'failed';
      if (problem !== undefined) {
        throw new Error(
          `could not create the ${this.op} pool (${this.poolId(start)}…): CreateRecords ${problem}`,
        );
      }
    }
  }

  record(status, request) {
    const ok = status.GetStatus() === 'success';
    const sample = {
      created: status.GetTimeCreate(),
      latencyMs: status.GetTimeFinal() - status.GetTimeCreate(),
      ok,
    };
    if (ok && this.op === 'open') {
      const problem = batchProblem(status.GetResult(), JSON.parse(request.contractArguments[0]).length);
      if (problem !== undefined) sample.problem = problem;
    }
    this.samples.push(sample);
  }
}

/** Why a committed CreateRecords did not create every item, or undefined when it did. */
function batchProblem(result, expected) {
  let parsed;
  try {
    parsed = JSON.parse(Buffer.from(result).toString('utf8'));
  } catch (error) {
    return `returned a result that is not JSON (${error.message})`;
  }
  const created = parsed && parsed.counts ? parsed.counts.created : undefined;
  return created === expected ? undefined : `created ${created} of ${expected} items`;
}

function positiveInteger(value, fallback, name) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`workload argument ${name} ${JSON.stringify(value)} is not a whole number >= 1`);
  }
  return value;
}

/** A small valid FHIR R4 Patient (about 400 bytes), distinct per id. */
function patient(id, n) {
  const year = 1940 + (n % 60);
  const month = String(1 + (n % 12)).padStart(2, '0');
  const day = String(1 + (n % 28)).padStart(2, '0');
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:fhirledger:caliper', value: id }],
    active: true,
    name: [{ use: 'official', family: `Caliper${n}`, given: ['Bench', `W${n % 97}`] }],
    gender: n % 2 === 0 ? 'female' : 'male',
    birthDate: `${year}-${month}-${day}`,
    address: [
      {
        use: 'home',
        line: [`${n} Ledger Lane`],
        city: 'Benchville',
        postalCode: String(10000 + (n % 90000)),
      },
    ],
  };
}

module.exports.createWorkloadModule = () => new EhrWorkload();
