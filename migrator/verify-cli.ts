/**
 * `fhirledger migrate verify`: the audit's composition root. Fixes the chain's height first (qscc GetChainInfo),
 * derives the expected set from the input (the migration pipeline with a remembering ledger), reads the channel's
 * blocks up to that height as the profile's migrator identity through the unmodified fabric-gateway client, folds
 * the chaincode's writes into the ledger's records, compares, prints counts and the first differences on stdout,
 * and writes the JSON report.
 *
 * Exit codes: 0 the ledger holds exactly the accepted records with their hashes; 1 it differs (or the audit
 * failed: the report's `status` tells which); 2 usage or configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Network } from '@hyperledger/fabric-gateway';
import { pino } from 'pino';
import type { CommandRunner } from '../cli/command.js';
import { ExitCode, readCommandConfig } from '../common/cli-args.js';
import {
  connectIdentity,
  DEFAULT_LEDGER_RETRY,
  LedgerUnavailableError,
  loadConnectionProfile,
  PeerClients,
  readIdentityCredentials,
  ConnectionProfileError,
  type ConnectionProfile,
} from '../ledger-client/index.js';
import { MIGRATOR_IDENTITY } from './cli.js';
import { FhirTypeIndex, loadFhirSchema } from './core/fhir-types.js';
import { RecordPipeline } from './core/record-pipeline.js';
import { InThreadProcessor } from './core/record-processor.js';
import { InputNotFoundError, MigratorError, OutputWriteError } from './errors.js';
import { OrdinalLog } from './io/ordinal-log.js';
import { RecordWorkerPool } from './io/record-worker-pool.js';
import { loadSchemaValidators } from './io/schema-validator.js';
import { resolveInputs, type ResolvedInput } from './io/sources/input-paths.js';
import { sourceForInputs } from './io/sources/open-inputs.js';
import { blockWrites } from './verify/block-writes.js';
import { chainHeight, readBlocksFromNetwork } from './verify/block-reader.js';
import { expectedSet } from './verify/expected-set.js';
import {
  applyBlock,
  compareWithLedger,
  differenceLine,
  emptyLedgerState,
  type AuditResult,
} from './verify/ledger-audit.js';
import { loadVerifyConfig, VERIFY_SPEC, type VerifyConfig } from './verify-config.js';

/** Differences printed on stdout; the report holds more. */
const PRINTED_DIFFERENCES = 20;

export interface VerifyReport {
  status: 'match' | 'differ' | 'failed';
  error?: { code: string; message: string };
  inputs: string[];
  channel: string;
  chaincode: string;
  startedAt: string;
  durationMs: number;
  timings: { inputMs: number; ledgerMs: number };
  input: { read: number; accepted: number; duplicates: number; rejected: number };
  counts?: AuditResult['counts'];
  ledger?: AuditResult['ledger'] & { lastBlock: string | null; heightAtStart: string };
  differences?: AuditResult['differences'];
}

export const run: CommandRunner = async (argv) => {
  const read = readCommandConfig('fhirledger migrate verify', VERIFY_SPEC, argv, (args) =>
    loadVerifyConfig(args, process.env),
  );
  if (!('config' in read)) return read.exitCode;
  const { config } = read;
  const log = pino({ name: 'migrate-verify', level: config.migrate.logLevel }, pino.destination(2));
  try {
    const report = await verify(config, log);
    process.stdout.write(summaryText(report));
    writeReport(config.reportFile, report);
    process.stdout.write(`  report: ${config.reportFile}\n`);
    // A ledger that differs from the input is what verify is there to find: exit 3 (finished, with findings).
    if (report.status === 'match') return ExitCode.OK;
    return report.status === 'differ' ? ExitCode.FINISHED_WITH_FINDINGS : ExitCode.FAILURE;
  } catch (error) {
    if (error instanceof LedgerUnavailableError || error instanceof InputNotFoundError) {
      process.stderr.write(`fhirledger migrate verify: ${error.code}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof MigratorError) {
      process.stderr.write(`fhirledger migrate verify: ${error.code}: ${error.message}\n`);
      return ExitCode.FAILURE;
    }
    throw error;
  }
};

async function verify(config: Readonly<VerifyConfig>, log: pino.Logger): Promise<VerifyReport> {
  const m = config.migrate;
  log.info(
    {
      config: {
        ...config,
        migrate: undefined,
        inputs: m.inputs,
        connection: m.connection === undefined ? undefined : '(set)',
      },
    },
    'verify config',
  );
  // Both the profile and the inputs are checked before any work, as migrate does.
  const profile = openProfile(m.connection);
  const inputs = resolveInputs(m.inputs);
  const peer = profile.peers[0];
  const identity = profile.identities[MIGRATOR_IDENTITY];
  if (peer === undefined || identity === undefined) {
    throw new LedgerUnavailableError(
      `connection profile ${profile.file} names no peer or no "${MIGRATOR_IDENTITY}" identity`,
    );
  }
  const clients = new PeerClients();
  const gateway = connectIdentity(clients.clientFor(peer), readIdentityCredentials(identity));
  try {
    const network = gateway.getNetwork(profile.channel);
    // The audit covers the chain as it stands now: blocks committed while the input is re-read are not its business.
    const height = await chainHeight(network);
    log.info({ height: String(height) }, 'chain height at start');
    return await audit(config, log, { profile, inputs, network, height });
  } finally {
    gateway.close();
    clients.close();
  }
}

interface AuditTarget {
  profile: ConnectionProfile;
  inputs: ResolvedInput[];
  network: Network;
  height: bigint;
}

async function audit(
  config: Readonly<VerifyConfig>,
  log: pino.Logger,
  { profile, inputs, network, height }: AuditTarget,
): Promise<VerifyReport> {
  const m = config.migrate;
  const started = Date.now();
  const pipelineOptions = {
    maxRecordBytes: m.maxRecordBytes,
    assignIds: m.assignIds,
    dateOrder: m.dateOrder,
    defaultZone: m.defaultZone,
  };
  const pipeline = new RecordPipeline(
    new FhirTypeIndex(loadFhirSchema()),
    loadSchemaValidators(),
    pipelineOptions,
  );
  const processor =
    m.workers > 0 ? new RecordWorkerPool(m.workers, pipelineOptions) : new InThreadProcessor(pipeline);
  let expected;
  try {
    expected = await expectedSet(
      {
        source: sourceForInputs(
          inputs,
          {
            resourceTypes: m.serverTypes,
            pageSize: m.serverPageSize,
            bulkExport: m.bulkExport,
            requestTimeoutMs: m.requestTimeoutMs,
            pollIntervalMs: 2000,
            exportTimeoutMs: 30 * 60_000,
          },
          m.maxRecordBytes,
        ),
        pipeline,
        processor,
        deadLetter: new OrdinalLog(undefined),
        fixLog: new OrdinalLog(undefined),
        sleep: () => Promise.resolve(),
        now: () => Date.now(),
        stop: new AbortController().signal,
        log: {
          info: () => undefined,
          warn: (object, message) => {
            log.warn(object, message);
          },
        },
      },
      {
        inputs: inputs.map((input) => input.name),
        // Batching does not change which records are accepted; large batches keep the re-read cheap.
        batchSize: 1000,
        maxBatchBytes: 1 << 30,
        concurrency: 1,
        retry: DEFAULT_LEDGER_RETRY,
        maxRecordBytes: m.maxRecordBytes,
      },
    );
  } finally {
    await processor.close();
  }
  const inputMs = Date.now() - started;
  const records = expected.report.records;
  const base = {
    inputs: inputs.map((input) => input.name),
    channel: profile.channel,
    chaincode: profile.chaincode,
    startedAt: new Date(started).toISOString(),
    input: {
      read: records.read,
      accepted: expected.hashes.size,
      duplicates: records.duplicates,
      rejected: records.rejected,
    },
  };
  if (expected.report.status !== 'finished') {
    return {
      ...base,
      status: 'failed',
      error: expected.report.error ?? {
        code: 'INPUT_READ_FAILED',
        message: 'the input was not read to its end',
      },
      durationMs: Date.now() - started,
      timings: { inputMs, ledgerMs: 0 },
    };
  }
  log.info({ accepted: expected.hashes.size, ms: inputMs }, 'expected set derived from the input');

  const state = emptyLedgerState();
  let lastBlock: bigint | undefined;
  const ledgerStarted = Date.now();
  try {
    await readBlocksFromNetwork(network, height, config.timeoutMs, (block) => {
      const writes = blockWrites(block, profile.chaincode);
      applyBlock(state, writes);
      lastBlock = writes.blockNumber;
    });
  } catch (error) {
    // LEDGER_READ_FAILED, BLOCK_DECODE_FAILED: the audit could not be completed; the report says why.
    if (!(error instanceof MigratorError)) throw error;
    return {
      ...base,
      status: 'failed',
      error: { code: error.code, message: error.message },
      durationMs: Date.now() - started,
      timings: { inputMs, ledgerMs: Date.now() - ledgerStarted },
    };
  }
  const ledgerMs = Date.now() - ledgerStarted;
  log.info({ blocks: state.blocks, records: state.records.size, ms: ledgerMs }, 'ledger read');
  const result = compareWithLedger(expected.hashes, state);
  return {
    ...base,
    status: result.match ? 'match' : 'differ',
    durationMs: Date.now() - started,
    timings: { inputMs, ledgerMs },
    counts: result.counts,
    ledger: {
      ...result.ledger,
      lastBlock: lastBlock === undefined ? null : String(lastBlock),
      heightAtStart: String(height),
    },
    differences: result.differences,
  };
}

function openProfile(file: string | undefined): ConnectionProfile {
  if (file === undefined) {
    throw new LedgerUnavailableError(
      'no Fabric connection profile configured (give --connection FILE or FHIRLEDGER_CONNECTION, or run `fhirledger network up` here)',
    );
  }
  try {
    return loadConnectionProfile(file);
  } catch (error) {
    if (error instanceof ConnectionProfileError)
      throw new LedgerUnavailableError(error.message, { cause: error });
    throw error;
  }
}

export function summaryText(report: VerifyReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  const lines = [
    `ledger audit: ${report.status} in ${seconds} s (input ${(report.timings.inputMs / 1000).toFixed(1)} s, ledger ${(report.timings.ledgerMs / 1000).toFixed(1)} s)`,
    `  input:  ${report.input.accepted} records accepted (${report.input.read} read, ${report.input.duplicates} duplicates, ${report.input.rejected} rejected)`,
  ];
  if (report.error !== undefined) lines.push(`  error:  ${report.error.code}: ${report.error.message}`);
  if (report.counts !== undefined && report.ledger !== undefined) {
    const c = report.counts;
    lines.push(
      `  ledger: ${c.onLedger} records in ${report.ledger.blocks} blocks (up to block ${report.ledger.lastBlock ?? '-'}, the chain's height ${report.ledger.heightAtStart} when the audit started; ${report.ledger.writingTransactions} valid transactions wrote to ${report.chaincode}, ${report.ledger.invalidTransactions} invalid ignored)`,
      `  match ${c.matching}, missing ${c.missing}, different ${c.hashMismatch}, unexpected ${c.unexpected}, damaged ${c.damaged}; written more than once ${c.rewritten}, deleted ${c.deletedOnLedger}`,
    );
  }
  const differences = report.differences ?? [];
  const total =
    (report.counts?.missing ?? 0) +
    (report.counts?.hashMismatch ?? 0) +
    (report.counts?.unexpected ?? 0) +
    (report.counts?.damaged ?? 0);
  if (differences.length > 0) {
    lines.push(`  first ${Math.min(PRINTED_DIFFERENCES, total)} of ${total} differences:`);
    for (const difference of differences.slice(0, PRINTED_DIFFERENCES))
      lines.push(`    ${differenceLine(difference)}`);
  }
  return `${lines.join('\n')}\n`;
}

function writeReport(file: string, report: VerifyReport): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new OutputWriteError(file, 'report', error);
  }
}
