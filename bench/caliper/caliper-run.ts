/**
 * One Caliper benchmark against a devnet, start to verdict: the pinned Caliper from the tool cache, the devnet's
 * endpoint and a provider identity, a workspace in a fresh `results/<date>-caliper[-n]/`, `caliper launch manager`,
 * then Caliper's report and the workload's samples read back into figures per round. The composition root: every
 * other module here is either pure or one adapter.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCaliper, type CaliperInstall } from '../../toolchain/caliper.js';
import { createRunFolder, writeRunJson } from '../run-folder.js';
import { devnetTarget } from './caliper-identity.js';
import { launchManager, type CaliperExit } from './caliper-process.js';
import {
  CaliperReportError,
  failureReasons,
  parseCaliperLog,
  parseReportHtml,
  stripAnsi,
  type CaliperRoundResult,
  type FailureReason,
} from './caliper-report.js';
import { judge, type TxSample, type Verdict } from './caliper-verdict.js';
import type { CaliperRound } from './rounds.js';
import { writeWorkspace } from './workspace-files.js';
import type { CaliperTarget } from './workspace.js';

export interface CaliperRunConfig {
  /** The devnet home (`fhirledger network up --home`). */
  home: string;
  rounds: readonly CaliperRound[];
  workers: number;
  batchSize: number;
  poolSize: number;
  resultsRoot: string;
}

export interface CaliperRunResult {
  folder: string;
  install: CaliperInstall;
  exit: CaliperExit;
  /** Where the figures were read from. */
  reportSource: 'report.html' | 'caliper.log';
  verdict: Verdict;
  /** Why transactions failed, from Caliper's log; empty when none did. */
  failures: FailureReason[];
}

/** Seconds Caliper gets beyond the rounds' own send time: start-up, pool creation, the last commits. */
const SLACK_S = { start: 120, perRound: 60 };

export async function runCaliper(
  config: CaliperRunConfig,
  log: (line: string) => void,
): Promise<CaliperRunResult> {
  // The devnet first: without one there is nothing to measure, and the user hears so before any install.
  const target = await devnetTarget(config.home);
  const install = await ensureCaliper({ log });
  log(`Caliper ${install.version} (${install.sut}) in ${install.dir}`);
  const folder = createRunFolder('caliper', config.resultsRoot);
  const samplesDir = path.resolve(folder, 'samples');
  // The workspace names the devnet's key and certificate files by absolute path, so it lives beside the run, not in
  // results/: the run folder keeps what Caliper measured, with paths relative to the devnet home.
  const workspace = writeWorkspace(
    mkdtempSync(path.join(os.tmpdir(), 'fhirledger-caliper-')),
    config.rounds,
    target,
    {
      workers: config.workers,
      batchSize: config.batchSize,
      poolSize: config.poolSize,
      runId: `${Date.now().toString(36)}${process.pid.toString(36)}`,
      samplesDir,
    },
  );
  const reportFile = path.resolve(folder, 'report.html');
  const logFile = path.resolve(folder, 'caliper.log');
  const sendSeconds = config.rounds.reduce((sum, round) => sum + round.transactions / round.tps, 0);
  const deadlineMs = (sendSeconds + SLACK_S.start + SLACK_S.perRound * config.rounds.length) * 1000;
  log(
    `caliper launch manager: ${config.rounds.length} rounds, about ${Math.ceil(sendSeconds)} s of sending; log ${logFile}`,
  );
  const exit = await launchManager({
    caliper: install,
    workspace: workspace.dir,
    networkConfig: workspace.networkConfig,
    benchmarkConfig: workspace.benchmarkConfig,
    reportFile,
    logFile,
    deadlineMs,
    // Progress and errors, but not one line per failed transaction: those are summed up after the run.
    onLine: (line) => {
      const text = stripAnsi(line).trim();
      if (/Failed to perform|^Details:|^-\s/.test(text)) return;
      if (/(Started|Finished) round \d+|Submitted: \d+|\berror\b/i.test(text)) log(text);
    },
  });
  const { rows, source } = readResults(reportFile, logFile, exit);
  const verdict = judge(config.rounds, rows, readSamples(samplesDir));
  const failures = failureReasons(readFileSync(logFile, 'utf8'));
  writeRunJson(
    folder,
    'caliper',
    {
      // Where the run folder is, is where this run.json is; the devnet home is named by its folder only.
      ...withoutResultsRoot(config),
      home: path.basename(config.home),
      target: relativeToHome(target, config.home),
      caliper: { version: install.version, sut: install.sut },
    },
    {
      install: install.installedSeconds === undefined ? 'cached' : { seconds: install.installedSeconds },
      exit,
      reportSource: source,
      verdict,
      failures,
    },
  );
  return { folder, install, exit, reportSource: source, verdict, failures };
}

function withoutResultsRoot(config: CaliperRunConfig): Omit<CaliperRunConfig, 'resultsRoot'> {
  const { resultsRoot: _resultsRoot, ...recorded } = config;
  return recorded;
}

/** The target with its files named relative to the devnet home: a run folder holds no machine's paths. */
function relativeToHome(target: CaliperTarget, home: string): CaliperTarget {
  const relative = (file: string) => path.relative(home, file);
  return {
    ...target,
    tlsCaCertFile: relative(target.tlsCaCertFile),
    identity: {
      ...target.identity,
      certificateFile: relative(target.identity.certificateFile),
      privateKeyFile: relative(target.identity.privateKeyFile),
    },
  };
}

function readResults(
  reportFile: string,
  logFile: string,
  exit: CaliperExit,
): { rows: CaliperRoundResult[]; source: CaliperRunResult['reportSource'] } {
  if (existsSync(reportFile))
    return { rows: parseReportHtml(readFileSync(reportFile, 'utf8'), reportFile), source: 'report.html' };
  const logText = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  try {
    return { rows: parseCaliperLog(logText, logFile), source: 'caliper.log' };
  } catch (error) {
    if (!(error instanceof CaliperReportError)) throw error;
    const how = exit.timedOut ? 'was killed at its deadline' : `exited ${exit.code ?? exit.signal ?? '?'}`;
    const tail = logText.trimEnd().split('\n').slice(-15).join('\n');
    throw new CaliperReportError(
      `Caliper ${how} without a report (${error.message}); last lines of ${logFile}:\n${tail}`,
    );
  }
}

function readSamples(dir: string): Map<number, TxSample[]> {
  const byRound = new Map<number, TxSample[]>();
  if (!existsSync(dir)) return byRound;
  for (const name of readdirSync(dir)) {
    const match = /^round-(\d+)-worker-\d+\.json$/.exec(name);
    if (match === null) continue;
    const round = Number(match[1]);
    const { samples } = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { samples: TxSample[] };
    byRound.set(round, [...(byRound.get(round) ?? []), ...samples]);
  }
  return byRound;
}
